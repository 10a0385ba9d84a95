using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Lookbook.Api.Hosting;

/// <summary>
/// Reads an uploaded photo, as a multipart field named <c>image</c> or as a raw <c>image/*</c> body,
/// enforcing the size limit while reading so an oversized body is never buffered whole.
/// </summary>
internal static class PhotoUpload
{
    public const string FieldName = "image";

    // Multipart framing (boundaries, part headers) on top of the file itself.
    public const long MultipartOverhead = 64 * 1024;

    public static async Task<(byte[]? Photo, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
    {
        var isMultipart = request.HasFormContentType && request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase);
        var isRawImage = request.ContentType?.StartsWith("image/", StringComparison.OrdinalIgnoreCase) == true;
        if (!isMultipart && !isRawImage)
        {
            return (null, Problems.Create(StatusCodes.Status415UnsupportedMediaType, "Unsupported content type",
                $"Send the photo as multipart/form-data with a file field named '{FieldName}', or as a raw image/* body; got '{request.ContentType ?? "no content type"}'."));
        }

        var limit = options.MaxUploadBytes + (isMultipart ? MultipartOverhead : 0);
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(options));
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodyLimit)
        {
            bodyLimit.MaxRequestBodySize = limit;
        }

        try
        {
            return isMultipart ? await ReadMultipartAsync(request, options, cancellationToken) : (await ReadRawAsync(request, options, cancellationToken), null);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(options));
        }
        catch (InvalidDataException e)
        {
            // The form reader's own limits (a part longer than MultipartBodyLengthLimit) or broken framing.
            return e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase)
                ? (null, TooLarge(options))
                : (null, Problems.Create(StatusCodes.Status400BadRequest, "Malformed upload", e.Message));
        }
    }

    private static async Task<(byte[]? Photo, ProblemHttpResult? Problem)> ReadMultipartAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
    {
        var form = await request.ReadFormAsync(cancellationToken);
        var file = form.Files.GetFile(FieldName) ?? (form.Files.Count == 1 ? form.Files[0] : null);
        if (file is null)
        {
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "No photo", $"The form has no file field named '{FieldName}'."));
        }

        if (file.Length > options.MaxUploadBytes)
        {
            return (null, TooLarge(options));
        }

        using var buffer = new MemoryStream((int)file.Length);
        await file.CopyToAsync(buffer, cancellationToken);
        return (buffer.ToArray(), null);
    }

    private static async Task<byte[]> ReadRawAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        return buffer.Length > options.MaxUploadBytes ? throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge) : buffer.ToArray();
    }

    private static ProblemHttpResult TooLarge(ApiOptions options) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "Photo too large", $"Photos may be at most {options.MaxUploadBytes / 1_048_576.0:0.#} MB.");
}
