using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Tests.Support;
using ModelPack.Core.Transfer;

namespace ModelPack.Core.Tests.Registry;

/// <summary>One blob's copy through the engine across faults: resuming within one copy, and bodies that do not fit the blob.</summary>
public sealed class BlobDownloadTests : IClassFixture<PlainRegistryFixture>
{
    private const int Size = 3 * 1024 * 1024 + 123;
    private readonly PlainRegistryFixture _fixture;
    private readonly TestClientSetup _setup;

    public BlobDownloadTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    [Fact]
    public async Task Two_drops_in_one_download_are_resumed_in_the_same_copy_with_the_hash_carried_over()
    {
        var (blob, bytes) = await PushAsync("twice");
        var digest = blob.Digest;
        using var proxy = new FaultProxy(_fixture.Registry.HostPort, r => !r.IsBlobGet(digest) ? Fault.None : r.Nth == 1 ? Fault.Reset(1_000_000) : r.Nth == 2 ? Fault.Truncate(700_000) : Fault.None);
        using var client = _setup.Client();

        var (written, result) = await TestTransfer.DownloadAsync(client, proxy.HostPort, "downloads/twice", blob);

        Assert.Equal(BlobCopyOutcome.Transferred, result.Outcome);
        Assert.Equal(bytes, written);
        Assert.Equal(new[] { null, "bytes=1000000-", "bytes=1700000-" }, proxy.BlobGets(digest).Select(r => r.Range));
        Assert.Equal(Size, result.BytesTransferred);
    }

    [Fact]
    public async Task A_body_longer_than_the_blob_is_a_SizeMismatch_and_nothing_is_kept()
    {
        var bytes = new byte[50_000];
        new Random(5).NextBytes(bytes);
        var blob = new Descriptor("application/octet-stream", Digest.Sha256(bytes).ToString(), bytes.Length);
        using var server = new MiniHttpServer(async (request, response) =>
        {
            if (request.Path == "/v2/")
            {
                await response.SendJsonAsync(200, "{}");
                return;
            }

            // No Content-Length: the body ends when the connection closes, after more than the blob.
            var body = await response.StartAsync(200, new[] { new KeyValuePair<string, string>("Content-Type", "application/octet-stream") });
            await body.WriteAsync(bytes);
            await body.WriteAsync(new byte[10_000]);
        });
        using var client = _setup.Client();
        using var temp = new TempDirectory("modelpack-long");
        var store = ModelStore.Open(temp.File("store"));

        var ex = await Assert.ThrowsAnyAsync<ModelPackException>(() => TestTransfer.DownloadAsync(client, server.HostPort, "downloads/long", blob, store));

        Assert.Equal(ErrorIds.SizeMismatch, ex.ErrorId);
        Assert.Empty(Directory.GetFiles(store.TempDirectory, "*.partial"));
        Assert.False(store.Layout.HasBlob(blob.Digest));
    }

    private async Task<(Descriptor Blob, byte[] Bytes)> PushAsync(string name)
    {
        var bytes = new byte[Size];
        new Random(name.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
        var digest = Digest.Sha256(bytes).ToString();
        using var client = _setup.Client();
        await TestTransfer.UploadAsync(client, _fixture.Registry.HostPort, "downloads/" + name, digest, bytes.Length, new MemoryStream(bytes));
        return (new Descriptor("application/octet-stream", digest, bytes.Length), bytes);
    }
}
