using System.Text.Json.Nodes;
using Acode.Infrastructure.Sqlite;

namespace Acode.Cli.Output;

/// <summary>How the space a removal gave back is shown: one line of text, or the <c>space</c> object of <c>--json</c>.</summary>
internal static class SpaceOutput
{
    public static string Line(SpaceReport space)
    {
        string conversion = space.Conversion == AutoVacuumConversion.Converted ? " The database was converted to incremental vacuum (once; created by an older acode)." : "";
        return $"Space: {Display.Bytes(space.BytesBefore)} before, {Display.Bytes(space.BytesAfter)} after ({Display.Bytes(space.BytesFreed)} given back; database file and WAL).{conversion}";
    }

    public static JsonNode? Json(SpaceReport? space) => space is null ? null : new JsonObject
    {
        ["bytesBefore"] = space.BytesBefore,
        ["bytesAfter"] = space.BytesAfter,
        ["bytesFreed"] = space.BytesFreed,
        ["autoVacuum"] = space.Conversion.ToString(),
        ["note"] = space.Note,
    };
}
