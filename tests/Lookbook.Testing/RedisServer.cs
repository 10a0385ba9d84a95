using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Lookbook.Testing;

/// <summary>
/// A real Redis server for tests (Debian's <c>redis-server</c>, installed by <c>scripts/setup.sh</c>): on a free loopback
/// port, no persistence, its files in a temporary folder. Disposing kills it and deletes the folder.
/// </summary>
public sealed class RedisServer : IDisposable
{
    private readonly TempDirectory _folder = new();
    private readonly Process _process;

    private RedisServer()
    {
        Port = Loopback.FreePort();
        var program = File.Exists("/usr/bin/redis-server") ? "/usr/bin/redis-server" : throw new InvalidOperationException(
            "redis-server was not found: run scripts/setup.sh (it installs Debian's redis-server).");
        _process = Process.Start(new ProcessStartInfo(program,
            ["--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder.Path])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        WaitUntilListening();
    }

    public int Port { get; }

    /// <summary>The StackExchange.Redis configuration string of this server.</summary>
    public string Configuration => $"127.0.0.1:{Port}";

    public static RedisServer Start() => new();

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }

        _process.Dispose();
        _folder.Dispose();
    }

    private bool _disposed;

    private void WaitUntilListening()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited ({_process.ExitCode}) before it listened on port {Port}.");
            }

            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, Port);
                return;
            }
            catch (SocketException)
            {
                Thread.Sleep(50);
            }
        }

        throw new TimeoutException($"redis-server did not listen on port {Port} within 20 s.");
    }

}
