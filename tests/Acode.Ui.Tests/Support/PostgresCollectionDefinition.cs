using Acode.Testing;

namespace Acode.Ui.Tests.Support;

/// <summary>One throwaway PostgreSQL server for the viewer's tests that sync; they run one after another.</summary>
[CollectionDefinition(PostgresFixture.CollectionName)]
public sealed class PostgresCollectionDefinition : ICollectionFixture<PostgresFixture>
{
}
