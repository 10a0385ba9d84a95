using System.Runtime.InteropServices;
using Cloud.Unum.USearch;

namespace Lookbook.Index;

/// <summary>
/// The parts of USearch's C API (libusearch_c, shipped by the Cloud.Unum.USearch package) that Lookbook uses.
/// Bound directly because the package's managed wrapper exposes neither thread limits nor the search
/// expansion nor filtered search, and grows capacity one vector at a time.
/// </summary>
internal static unsafe partial class UsearchNative
{
    private const string Library = "libusearch_c";

    /// <summary>Mirrors <c>usearch_init_options_t</c> (c/usearch.h).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct InitOptions
    {
        public int MetricKind;
        public nint Metric;
        public int Quantization;
        public nuint Dimensions;
        public nuint Connectivity;
        public nuint ExpansionAdd;
        public nuint ExpansionSearch;
        public byte Multi;
    }

    [LibraryImport(Library, EntryPoint = "usearch_init")]
    internal static partial nint Init(InitOptions* options, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_free")]
    internal static partial void Free(nint index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_save", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Save(UsearchHandle index, string path, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_load", StringMarshalling = StringMarshalling.Utf8)]
    internal static partial void Load(UsearchHandle index, string path, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_size")]
    internal static partial nuint Size(UsearchHandle index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_capacity")]
    internal static partial nuint Capacity(UsearchHandle index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_dimensions")]
    internal static partial nuint Dimensions(UsearchHandle index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_memory_usage")]
    internal static partial nuint MemoryUsage(UsearchHandle index, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_reserve")]
    internal static partial void Reserve(UsearchHandle index, nuint capacity, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_add")]
    internal static partial void ChangeThreadsAdd(UsearchHandle index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_threads_search")]
    internal static partial void ChangeThreadsSearch(UsearchHandle index, nuint threads, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_change_expansion_search")]
    internal static partial void ChangeExpansionSearch(UsearchHandle index, nuint expansion, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_add")]
    internal static partial void Add(UsearchHandle index, ulong key, float* vector, ScalarKind kind, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_get")]
    internal static partial nuint Get(UsearchHandle index, ulong key, nuint count, float* vector, ScalarKind kind, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_remove")]
    internal static partial nuint Remove(UsearchHandle index, ulong key, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_search")]
    internal static partial nuint Search(
        UsearchHandle index, float* query, ScalarKind kind, nuint count, ulong* keys, float* distances, out nint error);

    [LibraryImport(Library, EntryPoint = "usearch_filtered_search")]
    internal static partial nuint FilteredSearch(
        UsearchHandle index, float* query, ScalarKind kind, nuint count,
        delegate* unmanaged[Cdecl]<ulong, nint, int> filter, nint filterState,
        ulong* keys, float* distances, out nint error);

    /// <summary>Throws when a call reported an error (USearch errors are static C strings: nothing to free).</summary>
    internal static void Check(nint error, string operation)
    {
        if (error != 0)
        {
            throw new InvalidOperationException($"USearch {operation} failed: {Marshal.PtrToStringUTF8(error)}");
        }
    }
}

/// <summary>
/// Owns a native index. A SafeHandle, so a snapshot being replaced while searches still run on it is
/// freed only after the last call returns (the runtime reference-counts handles across P/Invoke).
/// </summary>
internal sealed class UsearchHandle : SafeHandle
{
    public UsearchHandle()
        : base(0, ownsHandle: true)
    {
    }

    public override bool IsInvalid => handle == 0;

    internal static UsearchHandle Create(UsearchNative.InitOptions options)
    {
        nint raw;
        nint error;
        unsafe
        {
            raw = UsearchNative.Init(&options, out error);
        }

        UsearchNative.Check(error, "init");
        var created = new UsearchHandle();
        created.SetHandle(raw);
        return created;
    }

    protected override bool ReleaseHandle()
    {
        UsearchNative.Free(handle, out _);
        return true;
    }
}
