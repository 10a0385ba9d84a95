using System.Runtime.Intrinsics.X86;

namespace Lookbook.Vision.Embedding;

/// <summary>What the processor offers that changes how a quantised model should be built.</summary>
internal static class CpuFeatures
{
    /// <summary>
    /// True when the CPU has VNNI (AVX-VNNI or AVX-512 VNNI) integer dot products. Without it, ONNX Runtime's u8×s8
    /// kernels use vpmaddubsw, whose 16-bit sums saturate unless weights keep to 7 bits.
    /// </summary>
    public static bool HasVnni { get; } = AvxVnni.IsSupported || CpuInfoFlags().Contains("avx512_vnni");

    private static HashSet<string> CpuInfoFlags()
    {
        try
        {
            var line = File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("flags", StringComparison.Ordinal));
            return line is null ? [] : [.. line.Split(' ', StringSplitOptions.RemoveEmptyEntries)];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
