namespace Lookbook.Api.Hosting;

/// <summary>The web server's limits and keys. Section <c>Lookbook:Api</c>; environment <c>Lookbook__Api__MaxUploadBytes</c>, ...</summary>
public sealed class ApiOptions
{
    public const string SectionName = "Lookbook:Api";

    /// <summary>Largest accepted photo upload; bigger requests get 413 before the body is buffered.</summary>
    public long MaxUploadBytes { get; set; } = 10 * 1024 * 1024;

    /// <summary>Largest accepted photo in pixels, read from the image header before decoding.</summary>
    public long MaxUploadPixels { get; set; } = 40_000_000;

    /// <summary>
    /// Pixels all photo searches may hold decoded at once (RGBA: 4 bytes each); more wait, then get 503. A 40-megapixel
    /// PNG decoded row by row costs a fraction of a megapixel; a GIF or interlaced PNG is decoded whole and costs all of it.
    /// </summary>
    public long DecodeBudgetPixels { get; set; } = 64_000_000;

    /// <summary>How long a search waits for decode budget before it is answered 503 with Retry-After (0: not at all).</summary>
    public double DecodeQueueSeconds { get; set; } = 2;

    /// <summary>Longest side of thumbnails in pixels.</summary>
    public int ThumbnailSize { get; set; } = 256;

    /// <summary>Key required in the X-Api-Key header by endpoints that change the catalog; none configured disables them.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Shopper profiles one client address may create per minute (0: no limit).</summary>
    public int ProfilesPerMinute { get; set; } = 20;

    /// <summary>Events (views, likes, carts, …) one shopper may record per minute (0: no limit).</summary>
    public int EventsPerMinute { get; set; } = 300;

    /// <summary>Photo and similar-product searches one client address may run per minute (0: no limit).</summary>
    public int SearchesPerMinute { get; set; } = 600;

    public IEnumerable<string> Validate()
    {
        foreach (var (name, value) in new[] { (nameof(ProfilesPerMinute), ProfilesPerMinute), (nameof(EventsPerMinute), EventsPerMinute), (nameof(SearchesPerMinute), SearchesPerMinute) })
        {
            if (value < 0)
            {
                yield return $"Lookbook:Api:{name} must be 0 (no limit) or more; got {value}.";
            }
        }

        if (MaxUploadBytes is < 1024 or > 1L << 31)
        {
            yield return $"Lookbook:Api:MaxUploadBytes must be between 1 KB and 2 GB; got {MaxUploadBytes}.";
        }

        if (MaxUploadPixels is < 1024 or > 1_000_000_000)
        {
            yield return $"Lookbook:Api:MaxUploadPixels must be between 1,024 and 1,000,000,000; got {MaxUploadPixels}.";
        }

        if (DecodeBudgetPixels is < 1024 or > 1_000_000_000_000)
        {
            yield return $"Lookbook:Api:DecodeBudgetPixels must be between 1,024 and 1,000,000,000,000; got {DecodeBudgetPixels}.";
        }

        if (!(DecodeQueueSeconds is >= 0 and <= 60))
        {
            yield return $"Lookbook:Api:DecodeQueueSeconds must be between 0 and 60; got {DecodeQueueSeconds}.";
        }

        if (ThumbnailSize is < 16 or > 2048)
        {
            yield return $"Lookbook:Api:ThumbnailSize must be between 16 and 2048; got {ThumbnailSize}.";
        }
    }
}
