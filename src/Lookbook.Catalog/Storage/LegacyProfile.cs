using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dapper;
using Microsoft.Data.Sqlite;

namespace Lookbook.Catalog.Storage;

/// <summary>
/// Schema version 4 keeps the embedding profile in columns. A catalog from before kept only its readable summary in
/// <c>meta</c>; this reads that summary once, during the upgrade, into the columns. The summary itself is kept
/// verbatim, so the fingerprint (its hash) and every stored vector stay valid.
/// </summary>
internal static partial class LegacyProfile
{
    public static void MoveToColumns(SqliteConnection connection, SqliteTransaction transaction)
    {
        var meta = connection.Query<(string Key, string Value)>("SELECT key, value FROM meta WHERE key LIKE 'embedding.%'", transaction: transaction)
            .ToDictionary(r => r.Key, r => r.Value);
        if (!meta.TryGetValue("embedding.description", out var description))
        {
            return;
        }

        var match = Summary().Match(description);
        connection.Execute(
            """
            INSERT INTO embedding_profile(id, description, model_file, model_hash, layers, input_size, preprocessing, precision, calibration_hash, weight_bits, dimension)
            VALUES (1, @description, @file, @hash, @layers, @input, @preprocessing, @precision, @calibration, NULL, @dimension)
            """,
            new
            {
                description,
                file = match.Success ? match.Groups["file"].Value : description,
                hash = match.Success ? match.Groups["hash"].Value : "",
                layers = JsonSerializer.Serialize(match.Success && match.Groups["layers"].Value != "model-outputs" ? match.Groups["layers"].Value.Split('+') : []),
                input = match.Success ? int.Parse(match.Groups["input"].Value, CultureInfo.InvariantCulture) : 0,
                preprocessing = match.Success ? match.Groups["pre"].Value : "",
                precision = match.Success && match.Groups["calibration"].Success ? "Int8" : "Float32",
                calibration = match.Success && match.Groups["calibration"].Success ? match.Groups["calibration"].Value : null,
                dimension = int.Parse(meta["embedding.dimension"], CultureInfo.InvariantCulture),
            },
            transaction);
        connection.Execute("DELETE FROM meta WHERE key IN ('embedding.fingerprint', 'embedding.description', 'embedding.dimension')", transaction: transaction);
    }

    // "resnet18.onnx sha256:0123456789ab layers=ReLU347_Output_0 pool=gap input=64 order=Rgb ... resize=Fill[ int8:abcd]"
    [GeneratedRegex(@"^(?<file>\S+) sha256:(?<hash>[0-9a-f]+) layers=(?<layers>\S+) pool=gap (?<pre>input=(?<input>\d+)\b.*?)(?: int8:(?<calibration>[0-9a-f]+))?$")]
    private static partial Regex Summary();
}
