using System.Text.Json.Serialization;

namespace Acode.Application.Serialization;

/// <summary>Source-generated System.Text.Json metadata for every document the store writes.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(EntityDocument))]
internal sealed partial class RunStateJsonContext : JsonSerializerContext;
