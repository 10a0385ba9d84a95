namespace Lookbook.Vision.Images;

/// <summary>A region of an image in fractions of its (orientation-corrected) width and height, e.g. the garment a shopper selected.</summary>
public readonly record struct NormalizedRect(float X, float Y, float Width, float Height)
{
    /// <summary>Throws when the rectangle is empty or leaves the unit square.</summary>
    public void Validate()
    {
        const float Slack = 1e-4f;
        if (!(Width > 0 && Height > 0 && X >= 0 && Y >= 0 && X + Width <= 1 + Slack && Y + Height <= 1 + Slack))
        {
            throw new ArgumentException(
                $"Crop rectangle ({X}, {Y}, {Width}, {Height}) must have a positive size and lie within the image (all values are fractions 0..1).");
        }
    }
}
