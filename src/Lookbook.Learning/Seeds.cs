namespace Lookbook.Learning;

/// <summary>
/// Derives seeds from (seed, epoch, example, ...) the same way in every process. HashCode.Combine would
/// not do: it is randomised per process, so a "fixed seed" would give a different model on each run.
/// </summary>
public static class Seeds
{
    public static int Mix(params int[] parts)
    {
        // FNV-1a over the bytes, then a murmur-style finaliser to spread close inputs.
        var hash = 2166136261u;
        foreach (var part in parts)
        {
            for (var shift = 0; shift < 32; shift += 8)
            {
                hash = (hash ^ (byte)(part >> shift)) * 16777619u;
            }
        }

        hash ^= hash >> 16;
        hash *= 0x85EBCA6Bu;
        hash ^= hash >> 13;
        return (int)(hash & 0x7FFFFFFF);
    }
}
