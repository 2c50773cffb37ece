using Xunit;

namespace Acode.Testing;

/// <summary>
/// One <see cref="PostgresServer"/> shared by every test class of a test assembly that joins the <c>postgres</c>
/// collection. Each test project declares the collection itself (xunit looks for it in the test assembly):
/// <code>
/// [CollectionDefinition("postgres")]
/// public sealed class PostgresCollectionDefinition : ICollectionFixture&lt;PostgresFixture&gt; { }
/// </code>
/// Test classes then take the fixture in their constructor and call <see cref="CreateDatabaseAsync"/> for a fresh database.
/// Tests in the collection run one after another, so a test that stops the server does not break another's.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    /// <summary>The collection name to use in <c>[Collection]</c> and <c>[CollectionDefinition]</c>.</summary>
    public const string CollectionName = "postgres";

    private PostgresServer? _server;

    /// <summary>The running server.</summary>
    public PostgresServer Server => _server ?? throw new InvalidOperationException("The PostgreSQL fixture has not been initialized (xunit calls InitializeAsync before the first test).");

    /// <inheritdoc cref="PostgresServer.CreateDatabaseAsync"/>
    public Task<string> CreateDatabaseAsync(CancellationToken cancellationToken = default) => Server.CreateDatabaseAsync(cancellationToken);

    public async Task InitializeAsync() => _server = await PostgresServer.StartNewNonDurableAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
