using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using Lookbook.Cli;

namespace Lookbook.Cli.Tests;

/// <summary>
/// The real <c>lookbook</c> program as a child process (the build beside the tests, run with <c>dotnet exec</c>), started in a
/// given working folder, its stdout and stderr kept for assertion messages. Disposing stops it: SIGTERM, then SIGKILL.
/// </summary>
public sealed class LookbookProcess : IAsyncDisposable
{
    private static readonly TimeSpan GracePeriod = TimeSpan.FromSeconds(5);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LookbookProcess(Process process) => _process = process;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Everything the program wrote so far, stdout and stderr interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <param name="workingDirectory">Where the program runs: it reads <c>lookbook.json</c> from there.</param>
    public static LookbookProcess Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet", ["exec", typeof(LookbookCli).Assembly.Location, .. args])
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // Settings of the machine running the tests must not leak into the program: only the test's files count.
        foreach (var key in start.Environment.Keys.Where(k => k.StartsWith("Lookbook__", StringComparison.OrdinalIgnoreCase) || k is "ASPNETCORE_URLS" or "LOOKBOOK_LAUNCHER").ToList())
        {
            start.Environment.Remove(key);
        }

        // With --verbose, one line per request would bury what the program itself logs.
        start.Environment["Logging__LogLevel__Microsoft.AspNetCore"] = "Warning";

        var process = new Process { StartInfo = start };
        var started = new LookbookProcess(process);
        process.OutputDataReceived += (_, e) => started.Append(e.Data);
        process.ErrorDataReceived += (_, e) => started.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>Runs a command to its end (killed after <paramref name="timeout"/>) and returns its exit code.</summary>
    public static async Task<(int ExitCode, string Output)> RunAsync(string workingDirectory, TimeSpan timeout, params string[] args)
    {
        await using var process = Start(workingDirectory, args);
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await process._process.WaitForExitAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"lookbook {string.Join(' ', args)} did not end within {timeout}:\n{process.Output}");
        }

        return (process.ExitCode, process.Output);
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                // A polite stop first; a server that does not honour it is killed after the grace period.
                _ = NativeMethods.kill(_process.Id, NativeMethods.SIGTERM);
                using var grace = new CancellationTokenSource(GracePeriod);
                try
                {
                    await _process.WaitForExitAsync(grace.Token);
                }
                catch (OperationCanceledException)
                {
                    _process.Kill(entireProcessTree: true);
                    await _process.WaitForExitAsync();
                }
            }
            else
            {
                await _process.WaitForExitAsync(); // drains the output still in flight
            }
        }
        finally
        {
            _process.Dispose();
        }
    }

    /// <summary>SIGTERM, as a service manager stops a process: waits for it to end and returns its exit code.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        _ = NativeMethods.kill(_process.Id, NativeMethods.SIGTERM);
        using var cancellation = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancellation.Token);
        return _process.ExitCode;
    }

    /// <summary>kill -9: the process dies at once, without any chance to clean up (a crashed machine).</summary>
    public void KillHard()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private static class NativeMethods
    {
        public const int SIGTERM = 15;

        [DllImport("libc", SetLastError = true)]
#pragma warning disable SYSLIB1054 // LibraryImport would need unsafe blocks in the test project for one call
        public static extern int kill(int pid, int sig);
#pragma warning restore SYSLIB1054
    }
}
