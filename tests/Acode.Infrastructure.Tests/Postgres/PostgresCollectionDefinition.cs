using Acode.Testing;

namespace Acode.Infrastructure.Tests.Postgres;

/// <summary>One throwaway PostgreSQL server for every PostgreSQL test of this assembly; its tests run one after another.</summary>
[CollectionDefinition(PostgresFixture.CollectionName)]
public sealed class PostgresCollectionDefinition : ICollectionFixture<PostgresFixture>
{
}
