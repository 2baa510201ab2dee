using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>DownloadBlobAsync itself across faults: resuming inside one call, and bodies that do not fit the blob.</summary>
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
    public async Task Two_drops_in_one_download_are_resumed_in_the_same_call_with_the_hash_carried_over()
    {
        var (digest, bytes) = await PushAsync("twice");
        using var proxy = new FaultProxy(_fixture.Registry.HostPort, r => !r.IsBlobGet(digest) ? Fault.None : r.Nth == 1 ? Fault.Reset(1_000_000) : r.Nth == 2 ? Fault.Truncate(700_000) : Fault.None);
        using var client = _setup.Client();
        using var destination = new MemoryStream();

        var result = await client.DownloadBlobAsync(proxy.HostPort, "downloads/twice", digest, Size, destination);

        Assert.Equal(BlobDownloadStatus.Completed, result.Status);
        Assert.Equal(bytes, destination.ToArray());
        Assert.Equal(new[] { null, "bytes=1000000-", "bytes=1700000-" }, proxy.BlobGets(digest).Select(r => r.Range));
        Assert.Equal(Size, result.BytesTransferred);
    }

    [Fact]
    public async Task A_body_longer_than_the_blob_is_a_SizeMismatch_and_what_was_written_is_cut_off()
    {
        var bytes = new byte[50_000];
        new Random(5).NextBytes(bytes);
        var digest = Digest.Sha256(bytes).ToString();
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
        using var destination = new MemoryStream();
        destination.Write(new byte[] { 1, 2, 3 });

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.DownloadBlobAsync(server.HostPort, "downloads/long", digest, bytes.Length, destination));

        Assert.Equal(ErrorIds.SizeMismatch, ex.ErrorId);
        Assert.Equal(new byte[] { 1, 2, 3 }, destination.ToArray());
    }

    private async Task<(string Digest, byte[] Bytes)> PushAsync(string name)
    {
        var bytes = new byte[Size];
        new Random(name.GetHashCode(StringComparison.Ordinal)).NextBytes(bytes);
        var digest = Digest.Sha256(bytes).ToString();
        using var client = _setup.Client();
        await client.UploadBlobAsync(_fixture.Registry.HostPort, "downloads/" + name, digest, bytes.Length, new MemoryStream(bytes));
        return (digest, bytes);
    }
}
