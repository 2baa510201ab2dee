using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.References;
using ModelPack.Core.Store;
using ModelPack.Core.Strategies;
using ModelPack.Core.Tests.Registry;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Transfer;

/// <summary>
/// A tag that moves while a pull runs: the registry answers the first request for the tag with one manifest and
/// every later one with another. The reference's kind is decided on the first answer, and the pull must go on
/// with that same answer (everything after it by digest), never mix in the second.
/// </summary>
public sealed class MovingTagTests : IClassFixture<PlainRegistryFixture>, IDisposable
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TempDirectory _temp = new("modelpack-moving-tag");
    private readonly TestClientSetup _setup;

    public MovingTagTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_pull_through_the_chain_asks_for_the_tag_once_and_pulls_the_manifest_its_kind_was_decided_on()
    {
        var before = TestArtifact.Create("moving-before", 2000);
        var after = TestArtifact.Create("moving-after", 3000);
        using (var pusher = _setup.Client())
        {
            await before.PushAsync(pusher, _fixture.Registry.HostPort, "models/moving", "v1");
            await after.PushAsync(pusher, _fixture.Registry.HostPort, "models/moving", "v2");
        }

        // After its first answer for v1 the registry serves v2 under that tag: the tag moved.
        var tagRequests = new ConcurrentQueue<string>();
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer((request, response) =>
        {
            var target = request.Target;
            if (request.Path == "/v2/models/moving/manifests/v1")
            {
                tagRequests.Enqueue(request.Method);
                if (tagRequests.Count > 1)
                {
                    target = "/v2/models/moving/manifests/v2";
                }
            }

            return MiniHttpServer.ForwardAsync(upstream, "http://" + _fixture.Registry.HostPort, new MiniRequest(request.Method, target, request.Headers, request.Body), response);
        });
        using var client = _setup.Client();
        var chain = new StrategyChain(new StrategyContext(EngineInfo.None("no engine in this test"), () => ModelStore.Open(_temp.Combine("store"))), ModelPackSettings.Empty, new ReferenceKindCache());

        var pulled = await chain.PullAsync(ModelReference.Parse(front.HostPort + "/models/moving:v1"), null, new PullContext { Client = client }, CancellationToken.None);

        Assert.Equal(before.Digest, pulled.Digest);
        Assert.Equal(new[] { "GET" }, tagRequests.ToArray());
        Assert.DoesNotContain(front.Requests, r => r.Path.EndsWith("/blobs/" + after.Layers[0].Descriptor.Digest, StringComparison.Ordinal));
    }
}
