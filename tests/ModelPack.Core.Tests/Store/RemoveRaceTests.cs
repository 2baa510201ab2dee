using System;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Store;

/// <summary>Pulls in one thread while another removes and pulls back a different artifact of the same store.</summary>
public sealed class RemoveRaceTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _root = new("modelpack-remove-race");
    private readonly TestClientSetup _setup;

    public RemoveRaceTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    private string Registry => _fixture.Registry.HostPort;

    [Fact]
    public async Task A_pull_is_not_disturbed_by_another_artifact_being_removed_while_it_reads_the_store()
    {
        using var client = _setup.Client();
        await TestArtifact.Create("steady", 2000).PushAsync(client, Registry, "race/steady", "v1");
        await TestArtifact.Create("churn", 2000).PushAsync(client, Registry, "race/churn", "v1");
        var store = ModelStore.Open(Path.Combine(_root.Path, "store"));
        var steady = ModelReference.Parse(Registry + "/race/steady:v1");
        var churn = ModelReference.Parse(Registry + "/race/churn:v1");
        await store.PullAsync(client, steady);

        // A count of rounds, not a time window: under load a window may hold too few of either.
        const int Rounds = 6;
        var remover = Task.Run(async () =>
        {
            var rounds = 0;
            for (; rounds < Rounds; rounds++)
            {
                await store.PullAsync(client, churn);
                store.Remove(churn.ToString());
            }

            return rounds;
        });
        var pulls = 0;
        while (!remover.IsCompleted || pulls < Rounds)
        {
            var result = await store.PullAsync(client, steady);
            Assert.True(result.UpToDate);
            pulls++;
        }

        Assert.Equal(Rounds, await remover);
        Assert.True(pulls >= Rounds);
        StoreConsistency.Verify(store);
    }

    public void Dispose() => _root.Dispose();
}
