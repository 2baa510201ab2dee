using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using ModelPack.Core.Errors;
using ModelPack.Core.Registry;
using ModelPack.Core.Spec;
using ModelPack.Core.Store;
using ModelPack.Core.Transfer;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Registry;

/// <summary>The client against a real distribution registry over plain http (loopback, no auth).</summary>
public sealed class PlainRegistryTests : IClassFixture<PlainRegistryFixture>
{
    private readonly PlainRegistryFixture _fixture;
    private readonly TestClientSetup _setup;

    public PlainRegistryTests(PlainRegistryFixture fixture)
    {
        _fixture = fixture;
        _setup = new TestClientSetup(fixture.Home.Path);
    }

    private string Registry => _fixture.Registry.HostPort;

    [Fact]
    public async Task Pushes_and_pulls_a_ModelPack_artifact_byte_for_byte()
    {
        var artifact = TestArtifact.Create("roundtrip");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/roundtrip", "v1");

        using var puller = _setup.Client();
        var resolved = await puller.Repository(Registry, "models/roundtrip").ResolveManifestAsync("v1");
        Assert.Equal(artifact.Manifest.Digest, resolved.Digest);
        Assert.Equal(artifact.ManifestBytes, resolved.Fetched.ToBytes());
        Assert.Equal(MediaTypes.OciManifest, resolved.MediaType);
        Assert.Null(resolved.Index);
        Assert.True(resolved.Manifest.IsModelArtifact);
        Assert.Equal(2, resolved.Manifest.Layers.Count);

        var config = await puller.Repository(Registry, "models/roundtrip").ReadBlobAsync(resolved.Manifest.Config!);
        Assert.Equal(artifact.Config, config);
        foreach (var (layer, expected) in resolved.Manifest.Layers.Zip(artifact.Layers.Select(l => l.Bytes)))
        {
            var progress = new SyncProgress<TransferProgress>();
            var (bytes, result) = await TestTransfer.DownloadAsync(puller, Registry, "models/roundtrip", layer, progress: progress.Report);
            Assert.Equal(BlobCopyOutcome.Transferred, result.Outcome);
            Assert.Equal(layer.Size, result.BytesTransferred);
            Assert.Equal(expected, bytes);
            Assert.Equal(layer.Size, progress.Reports.Last().BlobBytesDone);
        }

        // Loopback is insecure: https was tried first, then plain http, and nothing was authorized.
        Assert.Contains("trying plain http because it is a loopback address", _setup.LogText);
        Assert.DoesNotContain("(authorized)", _setup.LogText);
    }

    [Fact]
    public async Task Http_requests_and_answers_go_to_the_trace_sink_and_decisions_to_the_log()
    {
        var artifact = TestArtifact.Create("trace");
        using (var pusher = _setup.Client())
        {
            await artifact.PushAsync(pusher, Registry, "models/trace", "v1");
        }

        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var trace = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var client = _setup.Client(o =>
        {
            o.Log = log.Enqueue;
            o.Trace = trace.Enqueue;
        });

        await client.Repository(Registry, "models/trace").ResolveManifestAsync("v1");

        Assert.DoesNotContain(log, l => l.StartsWith("GET ", StringComparison.Ordinal) || l.TrimStart().StartsWith("-> ", StringComparison.Ordinal));
        Assert.Contains(log, l => l.StartsWith($"Registry '{Registry}' answers at http://{Registry}/", StringComparison.Ordinal));
        Assert.Contains($"GET http://{Registry}/v2/models/trace/manifests/v1", trace);
        Assert.Contains("  -> 200 OK", trace);
    }

    [Fact]
    public async Task Head_manifest_gives_the_digest_media_type_and_size()
    {
        var artifact = TestArtifact.Create("head");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/head", "latest");

        var info = await client.Repository(Registry, "models/head").HeadManifestAsync("latest");

        Assert.Equal(artifact.Manifest.Digest, info.Digest);
        Assert.Equal(MediaTypes.OciManifest, info.MediaType);
        Assert.Equal(artifact.ManifestBytes.Length, info.Size);
        var byDigest = await client.Repository(Registry, "models/head").HeadManifestAsync(artifact.Manifest.Digest);
        Assert.Equal(info.Digest, byDigest.Digest);
    }

    [Fact]
    public async Task Missing_manifest_is_ModelArtifactNotFound_with_MANIFEST_UNKNOWN()
    {
        var artifact = TestArtifact.Create("missing");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/missing", "present");

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(Registry, "models/missing").GetManifestAsync("absent"));
        Assert.Equal(ErrorIds.ModelArtifactNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("MANIFEST_UNKNOWN", ex.ErrorCodes);
        Assert.Equal($"http://{Registry}/v2/models/missing/manifests/absent", ex.Url);
        Assert.Contains("models/missing:absent", ex.Message);

        var head = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(Registry, "models/missing").HeadManifestAsync("absent"));
        Assert.Equal(ErrorIds.ModelArtifactNotFound, head.ErrorId);

    }

    [Fact]
    public async Task Missing_blob_is_BlobNotFound_and_has_no_size()
    {
        var artifact = TestArtifact.Create("blobs");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/blobs", "v1");
        var absent = Digest.Sha256("not uploaded").ToString();

        Assert.Null(await client.Repository(Registry, "models/blobs").HeadBlobAsync(absent));
        Assert.Equal(artifact.Layers[0].Descriptor.Size, await client.Repository(Registry, "models/blobs").HeadBlobAsync(artifact.Layers[0].Descriptor.Digest));
        var ex = await Assert.ThrowsAsync<RegistryException>(() => TestTransfer.DownloadAsync(client, Registry, "models/blobs", new Descriptor("application/octet-stream", absent, 12)));
        Assert.Equal(ErrorIds.BlobNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Contains("BLOB_UNKNOWN", ex.ErrorCodes);
    }

    [Fact]
    public async Task Upload_skips_a_blob_the_repository_already_has()
    {
        var bytes = Encoding.UTF8.GetBytes("blob uploaded once");
        var digest = Digest.Sha256(bytes).ToString();
        using var client = _setup.Client();

        Assert.True(await TestTransfer.UploadAsync(client, Registry, "models/upload-once", digest, bytes.Length, new MemoryStream(bytes)));
        Assert.False(await TestTransfer.UploadAsync(client, Registry, "models/upload-once", digest, bytes.Length, new MemoryStream(bytes)));
        Assert.Equal(bytes.Length, await client.Repository(Registry, "models/upload-once").HeadBlobAsync(digest));
    }

    [Fact]
    public async Task Index_resolves_to_its_ModelPack_manifest_or_else_linux_amd64()
    {
        var model = TestArtifact.Create("indexed");
        using var client = _setup.Client();
        const string repo = "models/indexed";
        await model.PushAsync(client, Registry, repo, "model");
        var amd64 = await PushImageAsync(client, repo, "amd64");
        var arm64 = await PushImageAsync(client, repo, "arm64");
        var modelEntry = model.Manifest.ToDescriptor();

        // 1. The entry that carries the ModelPack artifactType wins over platforms.
        await PushIndexAsync(client, repo, "by-artifact-type", amd64, modelEntry);
        var byType = await client.Repository(Registry, repo).ResolveManifestAsync("by-artifact-type");
        Assert.Equal(model.Manifest.Digest, byType.Digest);
        Assert.NotNull(byType.Index);
        Assert.True(byType.Manifest.IsModelArtifact);

        // 2. No artifactType in the index: the entry without platform whose config is a ModelPack config.
        var bare = new Descriptor(modelEntry.MediaType, modelEntry.Digest, modelEntry.Size);
        await PushIndexAsync(client, repo, "by-config", amd64, bare);
        Assert.Equal(model.Manifest.Digest, (await client.Repository(Registry, repo).ResolveManifestAsync("by-config")).Digest);

        // 3. No model at all: linux/amd64.
        await PushIndexAsync(client, repo, "images", arm64, amd64);
        var image = await client.Repository(Registry, repo).ResolveManifestAsync("images");
        Assert.Equal(amd64.Digest, image.Digest);
        Assert.False(image.Manifest.IsModelArtifact);
    }

    [Fact]
    public async Task Download_resumes_a_partial_file_with_a_range_request()
    {
        var artifact = TestArtifact.Create("resume");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/resume", "v1");
        var (layer, bytes) = artifact.Layers[0];
        const int have = 100_000;
        using var temp = new TempDirectory("modelpack-resume");
        var store = ModelStore.Open(temp.File("store"));
        File.WriteAllBytes(PartialOf(store, layer), bytes[..have]);
        var progress = new SyncProgress<TransferProgress>();

        var (written, result) = await TestTransfer.DownloadAsync(client, Registry, "models/resume", layer, store, progress.Report);

        Assert.Equal(layer.Size - have, result.BytesTransferred);
        Assert.Equal(bytes, written);
        Assert.Equal(have, progress.Reports.First().BlobBytesDone);
        Assert.Equal(layer.Size, progress.Reports.Last().BlobBytesDone);
        Assert.False(File.Exists(PartialOf(store, layer)));
    }

    [Fact]
    public async Task Download_from_an_offset_starts_over_in_place_when_the_server_ignores_Range()
    {
        var artifact = TestArtifact.Create("norange");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/norange", "v1");
        var (layer, bytes) = artifact.Layers[0];
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer((request, response) =>
        {
            var headers = new Dictionary<string, string>(request.Headers, StringComparer.OrdinalIgnoreCase);
            headers.Remove("Range");
            return MiniHttpServer.ForwardAsync(upstream, "http://" + Registry, new MiniRequest(request.Method, request.Target, headers, request.Body), response);
        });
        using var temp = new TempDirectory("modelpack-norange");
        var store = ModelStore.Open(temp.File("store"));
        File.WriteAllBytes(PartialOf(store, layer), bytes[..1000]);
        var log = new List<string>();

        var (written, result) = await TestTransfer.DownloadAsync(client, front.HostPort, "models/norange", layer, store, log: log.Add);

        Assert.Equal(bytes, written);
        Assert.Equal(layer.Size, result.BytesTransferred);
        var gets = front.Requests.Where(r => r.Path.Contains("/blobs/", StringComparison.Ordinal)).ToList();
        Assert.Equal("bytes=1000-", Assert.Single(gets).Header("Range"));
        Assert.Contains(log, l => l.Contains("ignored the resume request", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Corrupted_blob_bytes_are_a_DigestMismatch_and_nothing_is_kept()
    {
        var artifact = TestArtifact.Create("corrupt");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/corrupt", "v1");
        var (layer, _) = artifact.Layers[0];
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer((request, response) => MiniHttpServer.ForwardAsync(upstream, "http://" + Registry, request, response,
            rewriteBody: body =>
            {
                if (request.Path.Contains("/blobs/", StringComparison.Ordinal) && body.Length > 10)
                {
                    body[body.Length / 2] ^= 0xFF;
                }

                return body;
            }));
        using var temp = new TempDirectory("modelpack-corrupt");
        var store = ModelStore.Open(temp.File("store"));

        var ex = await Assert.ThrowsAnyAsync<ModelPackException>(() => TestTransfer.DownloadAsync(client, front.HostPort, "models/corrupt", layer, store));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(layer.Digest, ex.Target);
        Assert.False(File.Exists(PartialOf(store, layer)));
        Assert.False(store.Layout.HasBlob(layer.Digest));
    }

    [Fact]
    public async Task A_partial_with_wrong_bytes_fails_the_whole_digest_and_one_fresh_download_replaces_it()
    {
        var artifact = TestArtifact.Create("badprefix");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/badprefix", "v1");
        var (layer, bytes) = artifact.Layers[0];
        var wrong = (byte[])bytes.Clone();
        wrong[10] ^= 0x01;
        using var temp = new TempDirectory("modelpack-badprefix");
        var store = ModelStore.Open(temp.File("store"));
        File.WriteAllBytes(PartialOf(store, layer), wrong[..5000]);
        var log = new List<string>();

        var (written, result) = await TestTransfer.DownloadAsync(client, Registry, "models/badprefix", layer, store, log: log.Add);

        Assert.Equal(bytes, written);
        Assert.Equal(layer.Size - 5000 + layer.Size, result.BytesTransferred);
        Assert.Contains(log, l => l.Contains("did not verify (DigestMismatch)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_descriptor_size_that_disagrees_with_the_registry_is_a_SizeMismatch()
    {
        var artifact = TestArtifact.Create("size");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/size", "v1");
        var (layer, _) = artifact.Layers[1];
        var wrong = new Descriptor(layer.MediaType, layer.Digest, layer.Size + 1);
        using var temp = new TempDirectory("modelpack-size");
        var store = ModelStore.Open(temp.File("store"));

        var ex = await Assert.ThrowsAsync<RegistryException>(() => TestTransfer.DownloadAsync(client, Registry, "models/size", wrong, store));

        Assert.Equal(ErrorIds.SizeMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.False(File.Exists(PartialOf(store, layer)));
        Assert.False(store.Layout.HasBlob(layer.Digest));
    }

    [Fact]
    public async Task A_manifest_whose_Docker_Content_Digest_disagrees_is_a_DigestMismatch()
    {
        var artifact = TestArtifact.Create("lying-digest");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/lying", "v1");
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer((request, response) => MiniHttpServer.ForwardAsync(upstream, "http://" + Registry, request, response,
            rewriteHeaders: headers =>
            {
                var i = headers.FindIndex(h => h.Key == "Docker-Content-Digest");
                if (i >= 0 && request.Path.Contains("/manifests/", StringComparison.Ordinal))
                {
                    headers[i] = new("Docker-Content-Digest", Digest.Sha256("something else").ToString());
                }
            }));

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(front.HostPort, "models/lying").GetManifestAsync("v1"));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Contains("Docker-Content-Digest", ex.Message);
    }

    [Fact]
    public async Task A_manifest_announced_over_4_MiB_is_refused_unread()
    {
        long written = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var fake = new MiniHttpServer(async (request, response) =>
        {
            if (!request.Path.Contains("/manifests/", StringComparison.Ordinal))
            {
                await response.SendJsonAsync(200, "{}");
                return;
            }

            try
            {
                var body = await response.StartAsync(200, new[] { new KeyValuePair<string, string>("Content-Type", MediaTypes.OciManifest) }, 5L * 1024 * 1024);
                await WriteJunkAsync(body, 5L * 1024 * 1024, n => written += n);
            }
            finally
            {
                done.TrySetResult();
            }
        });
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(fake.HostPort, "models/huge").GetManifestAsync("v1"));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(ErrorIds.ManifestTooLarge, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Contains("5242880 bytes", ex.Message);
    }

    [Fact]
    public async Task A_manifest_streamed_without_length_is_cut_off_after_4_MiB()
    {
        const long total = 256L * 1024 * 1024;
        long written = 0;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var fake = new MiniHttpServer(async (request, response) =>
        {
            if (!request.Path.Contains("/manifests/", StringComparison.Ordinal))
            {
                await response.SendJsonAsync(200, "{}");
                return;
            }

            try
            {
                var body = await response.StartAsync(200, new[] { new KeyValuePair<string, string>("Content-Type", MediaTypes.OciManifest) });
                await WriteJunkAsync(body, total, n => written += n);
            }
            finally
            {
                done.TrySetResult();
            }
        });
        using var client = _setup.Client();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.Repository(fake.HostPort, "models/huge").GetManifestAsync("v1"));
        await done.Task.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(ErrorIds.ManifestTooLarge, ex.ErrorId);
        // The client stopped reading at the limit: the server could not push the rest into the socket.
        Assert.True(written < total / 4, $"server wrote {written} bytes");
    }

    [Fact]
    public async Task Loopback_registries_bypass_the_environment_proxy_and_other_registries_use_it()
    {
        using var proxy = new MiniHttpServer((request, response) => response.SendAsync(502));
        _setup.Variables["HTTPS_PROXY"] = proxy.BaseUrl;
        _setup.Variables["HTTP_PROXY"] = proxy.BaseUrl;
        using var client = _setup.Client();

        await client.PingAsync(Registry);
        Assert.Empty(proxy.Requests);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.PingAsync("registry.invalid:5000"));
        Assert.Equal(ErrorIds.RegistryUnreachable, ex.ErrorId);
        Assert.Equal(ErrorKind.ConnectionError, ex.Kind);
        // A 502 from the proxy is a failed gateway, so the client retried: every attempt was a tunnel there.
        Assert.NotEmpty(proxy.Requests);
        Assert.All(proxy.Requests, tunnel =>
        {
            Assert.Equal("CONNECT", tunnel.Method);
            Assert.Equal("registry.invalid:5000", tunnel.Target);
        });
    }

    private static async Task WriteJunkAsync(Stream body, long total, Action<int> wrote)
    {
        var chunk = Encoding.ASCII.GetBytes(new string(' ', 64 * 1024));
        for (long sent = 0; sent < total; sent += chunk.Length)
        {
            await body.WriteAsync(chunk);
            wrote(chunk.Length);
        }
    }

    private async Task<Descriptor> PushImageAsync(RegistryClient client, string repo, string architecture)
    {
        var config = Encoding.UTF8.GetBytes("{\"architecture\":\"" + architecture + "\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[]}}");
        var configDigest = Digest.Sha256(config).ToString();
        await TestTransfer.UploadAsync(client, Registry, repo, configDigest, config.Length, new MemoryStream(config));
        var manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OciImageConfig +
            "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.Length + "},\"layers\":[]}");
        var digest = await client.Repository(Registry, repo).PutManifestAsync("image-" + architecture, manifest, MediaTypes.OciManifest);
        return new Descriptor(MediaTypes.OciManifest, digest, manifest.Length) { Platform = new Platform(architecture, "linux") };
    }

    private async Task PushIndexAsync(RegistryClient client, string repo, string tag, params Descriptor[] manifests)
    {
        var index = ImageIndex.Create(manifests);
        await client.Repository(Registry, repo).PutManifestAsync(tag, index.ToBytes(), MediaTypes.OciIndex);
    }

    private static string PartialOf(ModelStore store, Descriptor blob) => Path.Combine(store.TempDirectory, Digest.Parse(blob.Digest).Encoded + ".partial");
}
