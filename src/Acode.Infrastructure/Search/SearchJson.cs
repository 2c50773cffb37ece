using System.Text.Json.Serialization;

namespace Acode.Infrastructure.Search;

/// <summary>Source-generated JSON for the small arrays the search queries pass as one parameter.</summary>
[JsonSerializable(typeof(string[]), TypeInfoPropertyName = "StringArray")]
internal sealed partial class SearchJson : JsonSerializerContext;
