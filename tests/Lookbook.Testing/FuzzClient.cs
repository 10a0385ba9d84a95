using System.Net.Sockets;
using System.Text;

namespace Lookbook.Testing;

/// <summary>Sends a <see cref="FuzzCase"/> over a real TCP connection, byte for byte as generated.</summary>
public static class FuzzClient
{
    /// <summary>The answer's status, or null when the case sends no complete request (aborted) or none came back.</summary>
    public static async Task<int?> SendAsync(FuzzCase fuzz, string host, int port, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cancel.CancelAfter(timeout);
        using var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(host, port, cancel.Token);
        var stream = client.GetStream();
        var wire = fuzz.Wire($"{host}:{port}");
        try
        {
            switch (fuzz.Transport)
            {
                case FuzzTransport.Aborted:
                    // The head and at most half the body, then gone: the server must drop the request, nothing else.
                    var bodyStart = wire.Length - fuzz.Body.Length;
                    await stream.WriteAsync(wire.AsMemory(0, bodyStart + (fuzz.Body.Length / 2)), cancel.Token);
                    client.Client.Shutdown(SocketShutdown.Both);
                    return null;
                case FuzzTransport.Slow:
                    // 16 bytes every quarter second (64 B/s): slower than Kestrel's minimum body rate, so after its grace
                    // period the server answers 408 (or this stops at the timeout).
                    for (var at = 0; at < wire.Length; at += 16)
                    {
                        await stream.WriteAsync(wire.AsMemory(at, Math.Min(16, wire.Length - at)), cancel.Token);
                        await Task.Delay(250, cancel.Token);
                        if (client.Available > 0)
                        {
                            break; // the server has answered already
                        }
                    }

                    break;
                default:
                    await stream.WriteAsync(wire, cancel.Token);
                    break;
            }

            return StatusOf(await ReadToCloseAsync(stream, cancel.Token));
        }
        catch (Exception e) when (e is IOException or SocketException)
        {
            // The server may close the connection while the body is still being sent (it has answered, e.g. 413 or 400,
            // and will not read the rest); whatever it answered before is in the socket's buffer.
            try
            {
                return StatusOf(await ReadToCloseAsync(stream, cancel.Token));
            }
            catch (Exception again) when (again is IOException or SocketException or ObjectDisposedException)
            {
                return null;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return null; // no answer within the timeout
        }
    }

    private static async Task<string> ReadToCloseAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        using var response = new MemoryStream();
        await stream.CopyToAsync(response, cancellationToken);
        return Encoding.Latin1.GetString(response.ToArray());
    }

    private static int? StatusOf(string response) =>
        response.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) && response.Length >= 12 && int.TryParse(response.AsSpan(9, 3), out var status)
            ? status
            : null;
}
