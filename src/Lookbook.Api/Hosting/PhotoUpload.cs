using System.Buffers;
using Microsoft.AspNetCore.Connections;
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

    public static async Task<(UploadedPhoto? Photo, ProblemHttpResult? Problem)> ReadAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
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
        catch (IOException e) when (isMultipart && e is not (BadHttpRequestException or ConnectionResetException) && !request.HttpContext.RequestAborted.IsCancellationRequested)
        {
            // The form reader's "unexpected end of stream": the body ended inside a part, the client did not hang up.
            // (Kestrel's refusals, a slow body among them, and resets are IOExceptions too: ProblemExceptionHandler answers those.)
            return (null, Problems.Create(StatusCodes.Status400BadRequest, "Malformed upload",
                "The multipart body ended before its closing boundary: the upload is incomplete."));
        }
    }

    private static async Task<(UploadedPhoto? Photo, ProblemHttpResult? Problem)> ReadMultipartAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
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

        var photo = new UploadedPhoto((int)file.Length);
        await using var stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(photo.Buffer.AsMemory(0, photo.Length), cancellationToken);
        return (photo, null);
    }

    private static async Task<UploadedPhoto> ReadRawAsync(HttpRequest request, ApiOptions options, CancellationToken cancellationToken)
    {
        // Content-Length sizes the buffer when given; a chunked body grows it (the body limit still applies).
        var photo = new UploadedPhoto((int)Math.Min(request.ContentLength ?? 64 * 1024, options.MaxUploadBytes));
        try
        {
            var length = 0;
            while (true)
            {
                if (length == photo.Buffer.Length)
                {
                    photo.Grow();
                }

                var read = await request.Body.ReadAsync(photo.Buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > options.MaxUploadBytes)
                {
                    throw new BadHttpRequestException("too large", StatusCodes.Status413PayloadTooLarge);
                }
            }

            photo.Length = length;
            return photo;
        }
        catch
        {
            photo.Dispose();
            throw;
        }
    }

    private static ProblemHttpResult TooLarge(ApiOptions options) =>
        Problems.Create(StatusCodes.Status413PayloadTooLarge, "Photo too large", $"Photos may be at most {options.MaxUploadBytes / 1_048_576.0:0.#} MB.");
}

/// <summary>
/// An uploaded photo in a buffer rented from the shared pool: product photos are hundreds of kilobytes, and a fresh
/// array per request would land on the large-object heap and churn gen-2 collections under load.
/// </summary>
internal sealed class UploadedPhoto(int capacity) : IDisposable
{
    // Buffers up to 1 MB (most phone photos) come from the shared pool; larger ones are plain arrays the GC takes back,
    // since the shared pool would keep a 16 MB array per core alive after a few 9 MB uploads.
    private const int PooledUpTo = 1 << 20;

    public byte[] Buffer { get; private set; } = Allocate(capacity);

    public int Length { get; set; } = capacity;

    public ReadOnlyMemory<byte> Bytes => Buffer.AsMemory(0, Length);

    public void Grow()
    {
        var larger = Allocate(Buffer.Length * 2);
        Buffer.CopyTo(larger, 0);
        Release(Buffer);
        Buffer = larger;
    }

    public void Dispose() => Release(Buffer);

    private static byte[] Allocate(int size) =>
        size <= PooledUpTo ? ArrayPool<byte>.Shared.Rent(Math.Max(1, size)) : GC.AllocateUninitializedArray<byte>(size);

    private static void Release(byte[] buffer)
    {
        if (buffer.Length <= PooledUpTo)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
