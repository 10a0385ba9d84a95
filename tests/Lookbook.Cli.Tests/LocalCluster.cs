using System.Diagnostics;
using System.Globalization;
using Lookbook.Catalog.Storage;
using Lookbook.Cluster;
using Lookbook.Testing;
using Microsoft.Extensions.Configuration;

namespace Lookbook.Cli.Tests;

/// <summary>
/// What a cluster test runs on, all on loopback: a PostgreSQL (a fresh database for the catalog) and a Redis, a folder
/// per process with the <c>lookbook.json</c> every cluster process reads, and the <c>lookbook</c> processes started
/// (silos, front ends, CLIs), stopped when the test ends. Dispose it with <c>await using</c> (processes first) and then
/// <c>Dispose</c> (servers and folders), as xUnit does.
/// </summary>
public sealed class LocalCluster : IAsyncDisposable, IDisposable
{
    public static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly List<LookbookProcess> _processes = [];
    private readonly Dictionary<string, string> _cluster;

    /// <param name="cluster">The <c>Lookbook:Cluster</c> settings besides Redis (ClusterId, Shards, timeouts).</param>
    public LocalCluster(IReadOnlyDictionary<string, string> cluster)
    {
        Postgres = PostgresServer.Start();
        Redis = RedisServer.Start();
        Connection = Postgres.CreateDatabase();
        _cluster = new Dictionary<string, string>(cluster) { ["Redis"] = Redis.Configuration };
    }

    public TempDirectory Temp { get; } = new();

    public PostgresServer Postgres { get; }

    public RedisServer Redis { get; }

    /// <summary>The catalog's database.</summary>
    public string Connection { get; }

    /// <summary>The configuration of an in-process client of this cluster.</summary>
    public IConfiguration ClientConfiguration() => new ConfigurationBuilder().AddInMemoryCollection(
        _cluster.Select(s => new KeyValuePair<string, string?>($"{ClusterOptions.SectionName}:{s.Key}", s.Value))
            .Append(new($"{StorageOptions.SectionName}:Provider", "Postgres"))
            .Append(new($"{StorageOptions.SectionName}:ConnectionString", Connection)))
        .Build();

    /// <summary>A working folder whose lookbook.json names the shared catalog and the cluster.</summary>
    public string Folder(string name)
    {
        var folder = Directory.CreateDirectory(Temp.File(name)).FullName;
        File.WriteAllText(Path.Combine(folder, "lookbook.json"), System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["Lookbook"] = new Dictionary<string, object>
            {
                ["Storage"] = new Dictionary<string, string> { ["Provider"] = "Postgres", ["ConnectionString"] = Connection, ["DatabasePath"] = "node/catalog" },
                ["Cluster"] = _cluster,
            },
        }));
        return folder;
    }

    /// <summary>Starts <c>lookbook args</c> in the folder <paramref name="name"/>, stopped (SIGTERM) when the test ends.</summary>
    public LookbookProcess Start(string name, params string[] args)
    {
        var process = LookbookProcess.Start(Folder(name), args);
        _processes.Add(process);
        return process;
    }

    /// <summary>Starts it and waits until its output says <paramref name="ready"/>.</summary>
    public async Task<LookbookProcess> StartReadyAsync(string name, string ready, params string[] args)
    {
        var process = Start(name, args);
        var waited = Stopwatch.StartNew();
        while (!process.Output.Contains(ready, StringComparison.Ordinal))
        {
            Assert.False(process.HasExited, $"{name} ended before it was ready\n{process.Output}");
            Assert.True(waited.Elapsed < StartTimeout, $"{name} was not ready within {StartTimeout}\n{process.Output}");
            await Task.Delay(100);
        }

        return process;
    }

    /// <summary>A <c>lookbook silo</c> on free ports, once it says it is ready.</summary>
    public Task<LookbookProcess> StartSiloAsync(string name, params string[] extra) =>
        StartReadyAsync(name, "Silo ready", ["silo", "--silo-port", FreePort(), "--gateway-port", FreePort(), .. extra]);

    public static string FreePort() => Loopback.FreePort().ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync()
    {
        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }

    public void Dispose()
    {
        Redis.Dispose();
        Postgres.Dispose();
        Temp.Dispose();
    }
}

/// <summary>
/// The tests that start clusters of processes run one at a time: side by side on two cores, a dozen silos, front ends and
/// databases starve each other past any sensible timeout.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ClusterProcessCollection
{
    public const string Name = "cluster processes";
}
