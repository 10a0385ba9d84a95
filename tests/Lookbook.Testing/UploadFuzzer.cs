using System.Text;
using SkiaSharp;

namespace Lookbook.Testing;

/// <summary>How a fuzzed request is put on the wire.</summary>
public enum FuzzTransport
{
    /// <summary>The whole request, then the answer is read.</summary>
    Whole,

    /// <summary>The head announces the whole body, part of it is sent, then the connection is closed (an aborted upload).</summary>
    Aborted,

    /// <summary>The body trickles in small pieces with pauses (a slow client).</summary>
    Slow,
}

/// <summary>One hostile POST /api/search: the request's raw bytes and what was done to make it.</summary>
public sealed record FuzzCase(int Index, string Target, IReadOnlyList<string> Headers, byte[] Body, bool Chunked, FuzzTransport Transport, string Description)
{
    /// <summary>The request as HTTP/1.1 bytes (Connection: close, so the answer ends when the server closes).</summary>
    public byte[] Wire(string host)
    {
        var head = new StringBuilder($"POST {Target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n");
        foreach (var header in Headers)
        {
            head.Append(header).Append("\r\n");
        }

        head.Append(Chunked ? "Transfer-Encoding: chunked\r\n" : $"Content-Length: {Body.Length}\r\n").Append("\r\n");
        var bytes = Encoding.Latin1.GetBytes(head.ToString()).AsEnumerable();
        if (!Chunked)
        {
            return [.. bytes, .. Body];
        }

        // Chunks of uneven sizes, then the terminator.
        var body = new List<byte>();
        for (var at = 0; at < Body.Length;)
        {
            var size = Math.Min(Body.Length - at, 1 + ((at * 7919) % 4096));
            body.AddRange(Encoding.ASCII.GetBytes($"{size:x}\r\n"));
            body.AddRange(Body.AsSpan(at, size).ToArray());
            body.AddRange("\r\n"u8.ToArray());
            at += size;
        }

        body.AddRange("0\r\n\r\n"u8.ToArray());
        return [.. bytes, .. body];
    }

    public override string ToString() => $"#{Index} {Transport} {Target} [{string.Join("; ", Headers)}] {Body.Length} B{(Chunked ? " chunked" : "")}: {Description}";
}

/// <summary>
/// Seeded hostile uploads for POST /api/search: images from a seed corpus mutated (bit flips, interesting bytes,
/// truncation, splices, forged dimensions, junk), in multipart framing that is right, wrong or broken, or as raw bodies
/// of any content type, with random query parameters. The same seed gives the same cases, so a failure is replayed by
/// its seed and index.
/// </summary>
public sealed class UploadFuzzer
{
    private static readonly byte[] Interesting = [0x00, 0x01, 0x7F, 0x80, 0xFF, 0xFE, 0x10, 0x20];
    private readonly Random _random;
    private readonly IReadOnlyList<(string Name, byte[] Bytes, string Type)> _seeds;
    private int _index;

    public UploadFuzzer(int seed, IReadOnlyList<(string Name, byte[] Bytes, string Type)> corpus)
    {
        _random = new Random(seed);
        _seeds = corpus;
    }

    /// <summary>
    /// The default corpus: the shipped query photos (PNG) plus a JPEG, a WebP, a GIF and a BMP made here, so every
    /// decoder is reached.
    /// </summary>
    public static IReadOnlyList<(string Name, byte[] Bytes, string Type)> DefaultCorpus()
    {
        var corpus = Directory.GetFiles(RepositoryPaths.Queries, "*.png").Order(StringComparer.Ordinal)
            .Select(path => (Path.GetFileName(path), File.ReadAllBytes(path), "image/png")).ToList();
        corpus.Add(("noise.jpg", TestImages.Noise(96, 128, 7), "image/jpeg"));
        corpus.Add(("quadrants.webp", TestImages.Quadrants(64, 64, SKEncodedImageFormat.Webp), "image/webp"));
        corpus.Add(("exif.jpg", TestImages.WithExifOrientation(TestImages.Quadrants(40, 30, SKEncodedImageFormat.Jpeg), 6), "image/jpeg"));
        corpus.Add(("two-frames.gif", File.ReadAllBytes(RepositoryPaths.Fixture("two-frames.gif")), "image/gif"));
        corpus.Add(("green.bmp", File.ReadAllBytes(RepositoryPaths.Fixture("green.bmp")), "image/bmp"));
        return corpus;
    }

    /// <summary>The next case; <paramref name="faults"/> also draws aborted uploads and slow bodies.</summary>
    public FuzzCase Next(bool faults = false)
    {
        var seed = _seeds[_random.Next(_seeds.Count)];
        var (body, what) = _random.Next(4) == 0 ? (seed.Bytes, "intact " + seed.Name) : Mutate(seed.Bytes, seed.Name);
        var (headers, framed, framing) = Frame(body, seed.Type);
        var target = "/api/search" + Query();
        var transport = !faults ? FuzzTransport.Whole : _random.Next(10) switch
        {
            0 => FuzzTransport.Aborted,
            1 => FuzzTransport.Slow,
            _ => FuzzTransport.Whole,
        };
        return new FuzzCase(_index++, target, headers, framed, Chunked: _random.Next(6) == 0, transport, $"{what}; {framing}");
    }

    private (byte[] Bytes, string What) Mutate(byte[] source, string name)
    {
        var bytes = source.ToArray();
        switch (_random.Next(11))
        {
            case 0:
                var flips = 1 + _random.Next(16);
                for (var i = 0; i < flips; i++)
                {
                    bytes[_random.Next(bytes.Length)] ^= (byte)(1 << _random.Next(8));
                }

                return (bytes, $"{name} with {flips} bits flipped");
            case 1:
                var count = 1 + _random.Next(8);
                for (var i = 0; i < count; i++)
                {
                    bytes[_random.Next(bytes.Length)] = Interesting[_random.Next(Interesting.Length)];
                }

                return (bytes, $"{name} with {count} bytes overwritten");
            case 2:
                var cut = _random.Next(bytes.Length);
                return (bytes[..cut], $"{name} cut at {cut}");
            case 3:
                // Header bytes: where the format, dimensions and chunk lengths are.
                var headerFlips = 1 + _random.Next(4);
                for (var i = 0; i < headerFlips; i++)
                {
                    bytes[_random.Next(Math.Min(64, bytes.Length))] = (byte)_random.Next(256);
                }

                return (bytes, $"{name} with {headerFlips} header bytes randomised");
            case 4:
                var other = _seeds[_random.Next(_seeds.Count)].Bytes;
                var at = _random.Next(bytes.Length);
                return ([.. bytes[..at], .. other[_random.Next(other.Length)..]], $"{name} spliced at {at}");
            case 5:
                var insertAt = _random.Next(bytes.Length);
                var junk = new byte[1 + _random.Next(2048)];
                _random.NextBytes(junk);
                return ([.. bytes[..insertAt], .. junk, .. bytes[insertAt..]], $"{name} with {junk.Length} random bytes inserted at {insertAt}");
            case 6:
                var start = _random.Next(bytes.Length);
                var length = Math.Min(bytes.Length - start, 1 + _random.Next(4096));
                return ([.. bytes, .. bytes.AsSpan(start, length).ToArray()], $"{name} with {length} bytes repeated at the end");
            case 7:
                var noise = new byte[_random.Next(4) == 0 ? _random.Next(16) : 1 + _random.Next(65536)];
                _random.NextBytes(noise);
                return (noise, $"{noise.Length} random bytes");
            case 8:
                // A PNG header claiming other dimensions (up to far past the pixel limit); the CRC no longer matches.
                if (bytes.Length > 24 && bytes[1] == (byte)'P')
                {
                    var width = _random.Next(4) == 0 ? _random.Next(1, int.MaxValue) : _random.Next(0, 20000);
                    var height = _random.Next(4) == 0 ? _random.Next(1, int.MaxValue) : _random.Next(0, 20000);
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(16), width);
                    System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(20), height);
                    return (bytes, $"{name} claiming {width}x{height}");
                }

                return (TestImages.PngHeaderClaiming(_random.Next(1, 100_000), _random.Next(1, 100_000)), "a PNG header claiming a huge size");
            case 9:
                return ([], "an empty file");
            default:
                // Another format's magic on this body.
                var magic = _seeds[_random.Next(_seeds.Count)].Bytes[..8];
                magic.CopyTo(bytes, 0);
                return (bytes, $"{name} under another file's magic");
        }
    }

    private (IReadOnlyList<string> Headers, byte[] Body, string Framing) Frame(byte[] image, string type)
    {
        var boundary = "----lookbook" + _random.Next(1_000_000);
        string Multipart(string field = "image", string? contentType = null, string? filename = "photo") =>
            $"--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"{(filename is null ? "" : $"; filename=\"{filename}\"")}\r\n" +
            (contentType is null ? "" : $"Content-Type: {contentType}\r\n") + "\r\n";
        byte[] Latin(string text) => Encoding.Latin1.GetBytes(text);
        var end = Latin($"\r\n--{boundary}--\r\n");
        var form = $"Content-Type: multipart/form-data; boundary={boundary}";

        switch (_random.Next(18))
        {
            case 0 or 1 or 2 or 12 or 13 or 14 or 15 or 16 or 17:
                return ([form], [.. Latin(Multipart(contentType: type)), .. image, .. end], "multipart");
            case 3:
                return ([form], [.. Latin(Multipart(field: "photo", contentType: type)), .. image, .. end], "multipart, field 'photo'");
            case 4:
                return ([form], [.. Latin(Multipart(contentType: type)), .. image, .. Latin($"\r\n{Multipart(contentType: type)}"), .. image, .. end], "multipart, two files");
            case 5:
                return ([form], [.. Latin(Multipart(contentType: type)), .. image], "multipart without its closing boundary");
            case 6:
                return (["Content-Type: multipart/form-data; boundary=other"], [.. Latin(Multipart(contentType: type)), .. image, .. end], "multipart, another boundary declared");
            case 7:
                return (["Content-Type: multipart/form-data"], [.. Latin(Multipart(contentType: type)), .. image, .. end], "multipart without a boundary");
            case 8:
                var name = new string('A', _random.Next(1, 40_000));
                return ([form], [.. Latin(Multipart(contentType: type, filename: name)), .. image, .. end], $"multipart, {name.Length}-character file name");
            case 9:
                return ([form], [.. Latin(Multipart(filename: null)), .. image, .. end], "multipart, a field instead of a file");
            default:
                var raw = new[] { type, "image/*", "image/png", "image/jpeg", "application/octet-stream", "text/plain", "image/", "image/png; q=\u00ff", "", "multipart/mixed" }[_random.Next(10)];
                return (raw.Length == 0 ? [] : [$"Content-Type: {raw}"], image, $"raw body as '{raw}'");
        }
    }

    private string Query()
    {
        var parts = new List<string>();
        // Half the time a value a client would send (the first few of each list), so cases reach the search itself.
        void Maybe(string name, int sensible, params string[] values)
        {
            if (_random.Next(3) == 0)
            {
                var value = _random.Next(2) == 0 ? values[_random.Next(sensible)] : values[_random.Next(values.Length)];
                parts.Add($"{name}={Uri.EscapeDataString(value)}");
            }
        }

        Maybe("k", 3, "1", "10", "100", "0", "-1", "101", "1e9", "abc", "1.5", "99999999999", "");
        if (_random.Next(10) == 0)
        {
            parts.Add("k=3&k=4");
        }

        Maybe("category", 3, "any", "Sneaker", "Dress", "Handbag", "", "é\u0000\u202e", new string('x', 5000));
        Maybe("attr", 1, "colour:black", "nocolon", ":", "k:", ":v", "unknown:value", new string('a', 300) + ":b");
        Maybe("crop", 3, "0.1,0.1,0.8,0.8", "0,0,1,1", "0.5,0.5,0.9,0.9", "0,0,0.001,0.001", "1,1,1", "a,b,c,d", "-1,0,2,2", "NaN,0,1,1", "");
        Maybe("item", 2, "0", "1", "5", "-1", "x", "2147483648");
        return parts.Count == 0 ? "" : "?" + string.Join("&", parts);
    }
}
