namespace Lookbook.Index;

/// <summary>
/// Every file Lookbook keeps beside a catalog database, named in one place: <c>catalog.db</c> has
/// <c>catalog.db.hnsw</c> (+ <c>.keys</c>, <c>.json</c>), <c>catalog.db.head.json</c>, <c>catalog.db.int8.json</c>
/// and <c>catalog.db.report.html</c>. Copying a catalog means copying these with it.
/// </summary>
/// <param name="DatabasePath">The catalog database file.</param>
public sealed record CatalogFiles(string DatabasePath)
{
    /// <summary>The HNSW graph (see <see cref="ApproximateIndexStore"/>).</summary>
    public string Hnsw => DatabasePath + ".hnsw";

    /// <summary>The graph's key table: product id of every graph slot (written with the graph, see <see cref="HnswVectorIndex.Save"/>).</summary>
    public string HnswKeys => KeyTable.PathFor(Hnsw);

    /// <summary>The manifest naming the vector revision and space the saved graph holds.</summary>
    public string HnswManifest => Hnsw + ".json";

    /// <summary>The trained head (<c>lookbook train</c>).</summary>
    public string Head => DatabasePath + ".head.json";

    /// <summary>The int8 calibration of the backbone (<c>lookbook quantize</c>).</summary>
    public string Calibration => DatabasePath + ".int8.json";

    /// <summary>The latest evaluation report (<c>lookbook evaluate</c>), served at /report.</summary>
    public string ReportHtml => DatabasePath + ".report.html";
}
