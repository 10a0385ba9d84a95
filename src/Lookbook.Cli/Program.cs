using System.Runtime.InteropServices;
using Lookbook.Cli;

// Ctrl+C (SIGINT) and SIGTERM cancel the command instead of killing the process: an import, re-index or training
// commits what it has done and exits 130 ("Interrupted"), a server finishes its requests and exits 0. A second
// signal while the first is being honoured ends the process at once.
using var cancellation = new CancellationTokenSource();
void Stop(PosixSignalContext signal)
{
    if (!cancellation.IsCancellationRequested)
    {
        signal.Cancel = true;
        cancellation.Cancel();
    }
}

using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Stop);
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Stop);
return await LookbookCli.RunAsync(args, Console.Out, Console.Error, cancellation.Token).ConfigureAwait(false);
