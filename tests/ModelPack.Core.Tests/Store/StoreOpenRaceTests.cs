using System.IO;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Store;

/// <summary>Several pulls starting at once on a store that does not exist yet all open the same new store.</summary>
public sealed class StoreOpenRaceTests
{
    [Fact]
    public async Task Concurrent_opens_of_a_new_store_never_see_each_others_half_made_layout()
    {
        using var root = new TempDirectory("modelpack-open-race");
        for (var round = 0; round < 100; round++)
        {
            var path = Path.Combine(root.Path, "store-" + round);
            using var start = new ManualResetEventSlim();
            var opens = Enumerable.Range(0, 8).Select(_ => Task.Run(() =>
            {
                start.Wait();
                return ModelStore.Open(path);
            })).ToList();
            start.Set();

            var stores = await Task.WhenAll(opens);

            Assert.All(stores, s => Assert.Empty(s.List()));
            Assert.True(File.Exists(Path.Combine(path, "oci-layout")));
        }
    }
}
