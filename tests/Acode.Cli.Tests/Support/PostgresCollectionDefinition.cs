using Acode.Testing;

namespace Acode.Cli.Tests.Support;

/// <summary>One throwaway PostgreSQL server for the end-to-end sync tests; they run one after another.</summary>
[CollectionDefinition(PostgresFixture.CollectionName)]
public sealed class PostgresCollectionDefinition : ICollectionFixture<PostgresFixture>
{
}
