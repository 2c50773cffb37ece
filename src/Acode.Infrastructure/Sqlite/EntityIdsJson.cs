using System.Text.Json.Serialization;

namespace Acode.Infrastructure.Sqlite;

/// <summary>Source-generated JSON for a list of entity ids, bound as one parameter and read back with <c>json_each</c>.</summary>
[JsonSerializable(typeof(List<string>))]
internal sealed partial class EntityIdsJson : JsonSerializerContext;
