namespace Acode.Infrastructure.PostgresStore;

/// <summary>What a blob's search columns are made of: its text (null: not text, no words) and, when needed, its parts.</summary>
internal sealed record BlobWords(string? Text, IReadOnlyList<string>? Parts);
