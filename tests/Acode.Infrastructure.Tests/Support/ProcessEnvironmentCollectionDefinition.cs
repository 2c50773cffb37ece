using Acode.Testing;

namespace Acode.Infrastructure.Tests.Support;

/// <summary>
/// Tests that set <c>ACODE_</c> variables of this process (as a host's environment would): they run alone, after the
/// parallel collections, so no other test reads the configuration meanwhile. Their own throwaway PostgreSQL.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessEnvironmentCollectionDefinition : ICollectionFixture<PostgresFixture>
{
    public const string Name = "process environment";
}
