using System.Net;
using System.Net.Sockets;

namespace Lookbook.Testing;

/// <summary>Loopback helpers for tests that start servers: a port nothing listens on right now.</summary>
public static class Loopback
{
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
