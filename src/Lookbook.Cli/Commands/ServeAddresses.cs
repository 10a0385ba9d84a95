using System.Net;
using System.Net.Sockets;
using Lookbook.Api.Hosting;

namespace Lookbook.Cli.Commands;

/// <summary>
/// The addresses <c>lookbook serve</c> listens on, checked before the host starts: a value that is not a URL, or a port
/// another program holds, is one line naming the problem and what to do — the host would report either with its stack.
/// </summary>
internal static class ServeAddresses
{
    /// <summary>The URLs of a <c>--urls</c> value (';'-separated).</summary>
    /// <exception cref="ArgumentException">A value is not an http or https URL.</exception>
    public static IReadOnlyList<Uri> Parse(string urls)
    {
        var parsed = new List<Uri>();
        foreach (var value in urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            // Kestrel's wildcards (http://*:5000, http://+:5000) are not valid hosts for Uri: read them as "any address".
            var readable = value.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal);
            if (!Uri.TryCreate(readable, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                throw new ArgumentException($"--urls expects URLs such as {LookbookWebApp.DefaultUrl} (several separated by ';'); got '{value}'.");
            }

            parsed.Add(uri);
        }

        return parsed.Count > 0 ? parsed : throw new ArgumentException($"--urls is empty; give a URL such as {LookbookWebApp.DefaultUrl}.");
    }

    /// <summary>Throws when another program already listens on one of the ports (host names other than localhost are left to the server).</summary>
    /// <exception cref="IOException">The port is taken.</exception>
    public static void EnsureFree(IEnumerable<Uri> urls)
    {
        foreach (var url in urls)
        {
            var address = url.Host switch
            {
                "localhost" => IPAddress.Loopback,
                _ when IPAddress.TryParse(url.Host, out var ip) => ip,
                _ => null,
            };
            if (address is null || url.Port == 0)
            {
                continue;
            }

            var probe = new TcpListener(address, url.Port);
            try
            {
                probe.Start();
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
            {
                throw new IOException($"Port {url.Port} is already in use ({url.GetLeftPart(UriPartial.Authority)}): stop the program using it, or choose another port, e.g. --urls http://127.0.0.1:{(url.Port == 5000 ? 5001 : 5000)}.", e);
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.AddressNotAvailable or SocketError.AccessDenied)
            {
                throw new IOException($"Cannot listen on {url.GetLeftPart(UriPartial.Authority)}: {e.Message}.", e);
            }
            finally
            {
                probe.Stop();
            }
        }
    }
}
