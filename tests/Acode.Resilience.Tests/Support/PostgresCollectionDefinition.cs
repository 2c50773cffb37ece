using Acode.Testing;

namespace Acode.Resilience.Tests.Support;

/// <summary>One throwaway PostgreSQL server for the scenarios that sync; they run one after another (some stop it).</summary>
[CollectionDefinition(PostgresFixture.CollectionName)]
public sealed class PostgresCollectionDefinition : ICollectionFixture<PostgresFixture>
{
}
