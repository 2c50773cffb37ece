using System.Globalization;
using System.Text;

namespace Acode.Application.Serialization;

/// <summary>
/// The largest entity document acode stores: <see cref="MaxBytes"/> bytes of JSON text (UTF-8, as
/// <see cref="EntityJson.Serialize"/> writes it). PostgreSQL holds a <c>jsonb</c> value of at most 256 MiB
/// (268,435,455 bytes), so a larger record could never be delivered; it is refused before anything is written
/// (<c>SaveAsync</c>, <c>AppendEventAsync</c>, import). The JSON text bounds the <c>jsonb</c> size from above
/// (escapes only shrink), and the 1 MiB margin covers <c>jsonb</c>'s per-field headers.
/// </summary>
internal static class DocumentSize
{
    /// <summary>255 MiB.</summary>
    public const int MaxBytes = 255 * 1024 * 1024;

    /// <exception cref="ArgumentException">The document is larger than <see cref="MaxBytes"/>; the message names the entity and both sizes.</exception>
    public static void Check(EntityType type, string id, string json, string paramName)
    {
        ArgumentNullException.ThrowIfNull(json);

        // A UTF-16 character is 1 to 3 bytes of UTF-8: count only when the length alone does not decide.
        if (json.Length <= MaxBytes / 3)
        {
            return;
        }

        long bytes = json.Length > MaxBytes ? json.Length : Encoding.UTF8.GetByteCount(json);
        if (bytes > MaxBytes)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture, $"{type} {id} is {bytes} bytes as JSON; PostgreSQL can store at most {MaxBytes} bytes (255 MiB) per record, so it cannot be saved. Keep large output outside acode and record it as an artifact reference (size and hash only), or save a shortened result."),
                paramName);
        }
    }
}
