using System.Runtime.InteropServices;

namespace Lookbook.Vision.Images;

/// <summary>
/// Makes large native buffers (decoded photos, Skia's copies of uploads) go back to the operating system when freed.
/// glibc serves them from its heap once its adaptive mmap threshold has grown past their size, and a heap rarely
/// shrinks: after a run of 9 MB uploads a server kept ~190 MB it no longer used (docs/architecture.md, "Memory").
/// A fixed 1 MB threshold keeps every larger block a mapping of its own, unmapped on free.
/// </summary>
public static class NativeHeap
{
    private const int MmapThreshold = -3; // M_MMAP_THRESHOLD in glibc's malloc.h

    /// <summary>Applies the threshold once per process; does nothing off Linux or on a C library without mallopt.</summary>
    public static void ReturnLargeBlocks()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = Mallopt(MmapThreshold, 1 << 20);
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // musl and other C libraries: their own policy stands.
        }
    }

    // DllImport, not LibraryImport: two ints need no marshalling code, and LibraryImport would need unsafe code enabled.
#pragma warning disable SYSLIB1054
    [DllImport("libc", EntryPoint = "mallopt")]
    private static extern int Mallopt(int parameter, int value);
#pragma warning restore SYSLIB1054
}
