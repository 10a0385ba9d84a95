using System.Net.Sockets;
using System.Text;
using Lookbook.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Lookbook.Api.Tests;

/// <summary>
/// The app on a real Kestrel port, for what the in-memory test server does not do (body timeouts, a client that hangs
/// up), with every log entry collected from debug level up.
/// </summary>
public sealed class KestrelApp : IAsyncDisposable
{
    private readonly WebApplication _app;

    private KestrelApp(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public LogCollector Logs { get; } = new();

    public int Port { get; }

    public static async Task<KestrelApp> StartAsync(string database, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Lookbook:Storage:DatabasePath"] = database,
            ["Logging:LogLevel:Default"] = "Debug",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var app = LookbookWebApp.Create(["--urls", "http://127.0.0.1:0"], values);
        await app.StartAsync();
        var kestrel = new KestrelApp(app, new Uri(app.Urls.First()).Port);
        // Collected from now on: what requests log, not the start-up.
        app.Services.GetRequiredService<ILoggerFactory>().AddProvider(kestrel.Logs);
        return kestrel;
    }

    /// <summary>Opens a connection and sends the request head of a POST with the given body length.</summary>
    public async Task<TcpClient> SendHeadAsync(string path, string contentType, int contentLength)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync("127.0.0.1", Port);
        var head = $"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{Port}\r\nContent-Type: {contentType}\r\nContent-Length: {contentLength}\r\nConnection: close\r\n\r\n";
        await client.GetStream().WriteAsync(Encoding.ASCII.GetBytes(head));
        return client;
    }

    /// <summary>Everything the server sends until it closes the connection.</summary>
    public static async Task<string> ReadToCloseAsync(TcpClient client, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        using var response = new MemoryStream();
        await client.GetStream().CopyToAsync(response, cancel.Token);
        return Encoding.UTF8.GetString(response.ToArray());
    }

    /// <summary>Waits until the server has finished a request (the hosting layer's "Request finished" entry).</summary>
    public async Task WaitForRequestFinishedAsync(TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (!Logs.Entries.Any(e => e.Category == "Microsoft.AspNetCore.Hosting.Diagnostics" && e.EventId.Id == 2))
        {
            Assert.True(clock.Elapsed < timeout, "the server did not finish the request:\n" + string.Join("\n", Logs.Entries));
            await Task.Delay(50);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
