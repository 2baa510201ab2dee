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
        var resolved = await puller.ResolveManifestAsync(Registry, "models/roundtrip", "v1");
        Assert.Equal(artifact.Manifest.Digest, resolved.Digest);
        Assert.Equal(artifact.ManifestBytes, resolved.Fetched.ToBytes());
        Assert.Equal(MediaTypes.OciManifest, resolved.MediaType);
        Assert.Null(resolved.Index);
        Assert.True(resolved.Manifest.IsModelArtifact);
        Assert.Equal(2, resolved.Manifest.Layers.Count);

        var config = await puller.GetBlobBytesAsync(Registry, "models/roundtrip", resolved.Manifest.Config!.Digest, resolved.Manifest.Config.Size);
        Assert.Equal(artifact.Config, config);
        foreach (var (layer, expected) in resolved.Manifest.Layers.Zip(artifact.Layers.Select(l => l.Bytes)))
        {
            var progress = new SyncProgress<long>();
            using var destination = new MemoryStream();
            var result = await puller.DownloadBlobAsync(Registry, "models/roundtrip", layer.Digest, layer.Size, destination, new BlobDownloadOptions { Progress = progress });
            Assert.Equal(BlobDownloadStatus.Completed, result.Status);
            Assert.Equal(layer.Size, result.BytesTransferred);
            Assert.Equal(expected, destination.ToArray());
            Assert.Equal(layer.Size, progress.Reports.Last());
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

        await client.ResolveManifestAsync(Registry, "models/trace", "v1");

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

        var info = await client.HeadManifestAsync(Registry, "models/head", "latest");

        Assert.Equal(artifact.Manifest.Digest, info.Digest);
        Assert.Equal(MediaTypes.OciManifest, info.MediaType);
        Assert.Equal(artifact.ManifestBytes.Length, info.Size);
        var byDigest = await client.HeadManifestAsync(Registry, "models/head", artifact.Manifest.Digest);
        Assert.Equal(info.Digest, byDigest.Digest);
    }

    [Fact]
    public async Task Missing_manifest_is_ModelArtifactNotFound_with_MANIFEST_UNKNOWN()
    {
        var artifact = TestArtifact.Create("missing");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/missing", "present");

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(Registry, "models/missing", "absent"));
        Assert.Equal(ErrorIds.ModelArtifactNotFound, ex.ErrorId);
        Assert.Equal(ErrorKind.ObjectNotFound, ex.Kind);
        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Contains("MANIFEST_UNKNOWN", ex.ErrorCodes);
        Assert.Equal($"http://{Registry}/v2/models/missing/manifests/absent", ex.Url);
        Assert.Contains("models/missing:absent", ex.Message);

        var head = await Assert.ThrowsAsync<RegistryException>(() => client.HeadManifestAsync(Registry, "models/missing", "absent"));
        Assert.Equal(ErrorIds.ModelArtifactNotFound, head.ErrorId);

        var tags = await Assert.ThrowsAsync<RegistryException>(() => client.ListTagsAsync(Registry, "models/never-pushed"));
        Assert.Equal(ErrorIds.ModelArtifactNotFound, tags.ErrorId);
        Assert.Contains("NAME_UNKNOWN", tags.ErrorCodes);
    }

    [Fact]
    public async Task Missing_blob_is_BlobNotFound_and_has_no_size()
    {
        var artifact = TestArtifact.Create("blobs");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/blobs", "v1");
        var absent = Digest.Sha256("not uploaded").ToString();

        Assert.Null(await client.GetBlobSizeAsync(Registry, "models/blobs", absent));
        Assert.Equal(artifact.Layers[0].Descriptor.Size, await client.GetBlobSizeAsync(Registry, "models/blobs", artifact.Layers[0].Descriptor.Digest));
        using var destination = new MemoryStream();
        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.DownloadBlobAsync(Registry, "models/blobs", absent, 12, destination));
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

        Assert.True(await client.UploadBlobAsync(Registry, "models/upload-once", digest, bytes.Length, new MemoryStream(bytes)));
        Assert.False(await client.UploadBlobAsync(Registry, "models/upload-once", digest, bytes.Length, new MemoryStream(bytes)));
        Assert.Equal(bytes.Length, await client.GetBlobSizeAsync(Registry, "models/upload-once", digest));
    }

    [Fact]
    public async Task Tags_list_on_the_real_registry_returns_every_tag()
    {
        var artifact = TestArtifact.Create("tags");
        using var client = _setup.Client();
        foreach (var tag in new[] { "a", "b", "c" })
        {
            await artifact.PushAsync(client, Registry, "models/tags", tag);
        }

        // distribution 2.8.2 ignores n on tags/list: one page, no Link, and the client copes.
        var tags = await client.ListTagsAsync(Registry, "models/tags", pageSize: 1);
        Assert.Equal(new[] { "a", "b", "c" }, tags.OrderBy(t => t, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Tags_list_follows_Link_pages()
    {
        var artifact = TestArtifact.Create("paged");
        using var client = _setup.Client();
        foreach (var tag in new[] { "one", "three", "two" })
        {
            await artifact.PushAsync(client, Registry, "models/paged", tag);
        }

        // distribution 2.8.2 does not page tags/list, so a front pages the real registry's list
        // the way distribution 3 and other registries do (n, last, Link rel="next").
        using var upstream = new HttpClient();
        using var front = new MiniHttpServer(async (request, response) =>
        {
            if (!request.Path.EndsWith("/tags/list", StringComparison.Ordinal))
            {
                await MiniHttpServer.ForwardAsync(upstream, "http://" + Registry, request, response);
                return;
            }

            using var all = JsonDocument.Parse(await upstream.GetByteArrayAsync($"http://{Registry}{request.Path}"));
            var sorted = all.RootElement.GetProperty("tags").EnumerateArray().Select(t => t.GetString()!).OrderBy(t => t, StringComparer.Ordinal).ToList();
            var n = int.Parse(request.QueryValue("n") ?? "100");
            var last = request.QueryValue("last");
            var page = sorted.Where(t => last is null || string.CompareOrdinal(t, last) > 0).Take(n).ToList();
            var headers = new List<KeyValuePair<string, string>>();
            if (page.Count == n && sorted.IndexOf(page[^1]) < sorted.Count - 1)
            {
                headers.Add(new("Link", $"<{request.Path}?n={n}&last={page[^1]}>; rel=\"next\""));
            }

            await response.SendJsonAsync(200, JsonSerializer.Serialize(new { name = "models/paged", tags = page }), headers);
        });

        var tags = await client.ListTagsAsync(front.HostPort, "models/paged", pageSize: 1);

        Assert.Equal(new[] { "one", "three", "two" }, tags);
        var pages = front.Requests.Where(r => r.Path.EndsWith("/tags/list", StringComparison.Ordinal)).Select(r => r.QueryValue("last")).ToList();
        Assert.Equal(new string?[] { null, "one", "three" }, pages);
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
        var byType = await client.ResolveManifestAsync(Registry, repo, "by-artifact-type");
        Assert.Equal(model.Manifest.Digest, byType.Digest);
        Assert.NotNull(byType.Index);
        Assert.True(byType.Manifest.IsModelArtifact);

        // 2. No artifactType in the index: the entry without platform whose config is a ModelPack config.
        var bare = new Descriptor(modelEntry.MediaType, modelEntry.Digest, modelEntry.Size);
        await PushIndexAsync(client, repo, "by-config", amd64, bare);
        Assert.Equal(model.Manifest.Digest, (await client.ResolveManifestAsync(Registry, repo, "by-config")).Digest);

        // 3. No model at all: linux/amd64.
        await PushIndexAsync(client, repo, "images", arm64, amd64);
        var image = await client.ResolveManifestAsync(Registry, repo, "images");
        Assert.Equal(amd64.Digest, image.Digest);
        Assert.False(image.Manifest.IsModelArtifact);
    }

    [Fact]
    public async Task Download_resumes_from_an_offset_with_a_range_request()
    {
        var artifact = TestArtifact.Create("resume");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/resume", "v1");
        var (layer, bytes) = artifact.Layers[0];
        const int have = 100_000;

        using var partial = new MemoryStream();
        partial.Write(bytes, 0, have);
        using var prefix = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        prefix.AppendData(bytes, 0, have);
        var progress = new SyncProgress<long>();
        var result = await client.DownloadBlobAsync(Registry, "models/resume", layer.Digest, layer.Size, partial,
            new BlobDownloadOptions { Offset = have, PrefixHash = prefix, Progress = progress });

        Assert.Equal(BlobDownloadStatus.Completed, result.Status);
        Assert.Equal(layer.Size - have, result.BytesTransferred);
        Assert.Equal(bytes, partial.ToArray());
        Assert.Equal(have, progress.Reports.First());
        Assert.Equal(layer.Size, progress.Reports.Last());
    }

    [Fact]
    public async Task Download_from_an_offset_asks_for_a_restart_when_the_server_ignores_Range()
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

        using var partial = new MemoryStream();
        partial.Write(bytes, 0, 1000);
        using var prefix = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        prefix.AppendData(bytes, 0, 1000);
        var result = await client.DownloadBlobAsync(front.HostPort, "models/norange", layer.Digest, layer.Size, partial,
            new BlobDownloadOptions { Offset = 1000, PrefixHash = prefix });

        Assert.Equal(BlobDownloadStatus.RestartRequired, result.Status);
        Assert.Equal(1000, partial.Length);
        Assert.Contains(front.Requests, r => r.Path.Contains("/blobs/", StringComparison.Ordinal) && r.Header("Range") == "bytes=1000-");
    }

    [Fact]
    public async Task Corrupted_blob_bytes_are_a_DigestMismatch_and_are_cut_from_the_destination()
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

        using var destination = new MemoryStream();
        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.DownloadBlobAsync(front.HostPort, "models/corrupt", layer.Digest, layer.Size, destination));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(layer.Digest, ex.Target);
        Assert.Equal(0, destination.Length);
    }

    [Fact]
    public async Task Resume_with_a_wrong_prefix_fails_the_whole_digest_and_cuts_what_it_wrote()
    {
        var artifact = TestArtifact.Create("badprefix");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/badprefix", "v1");
        var (layer, bytes) = artifact.Layers[0];
        var wrong = (byte[])bytes.Clone();
        wrong[10] ^= 0x01;
        using var partial = new MemoryStream();
        partial.Write(wrong, 0, 5000);
        using var prefix = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        prefix.AppendData(wrong, 0, 5000);

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.DownloadBlobAsync(Registry, "models/badprefix", layer.Digest, layer.Size, partial,
            new BlobDownloadOptions { Offset = 5000, PrefixHash = prefix }));

        Assert.Equal(ErrorIds.DigestMismatch, ex.ErrorId);
        Assert.Equal(5000, partial.Length);
    }

    [Fact]
    public async Task A_descriptor_size_that_disagrees_with_the_registry_is_a_SizeMismatch()
    {
        var artifact = TestArtifact.Create("size");
        using var client = _setup.Client();
        await artifact.PushAsync(client, Registry, "models/size", "v1");
        var (layer, _) = artifact.Layers[1];
        using var destination = new MemoryStream();

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.DownloadBlobAsync(Registry, "models/size", layer.Digest, layer.Size + 1, destination));

        Assert.Equal(ErrorIds.SizeMismatch, ex.ErrorId);
        Assert.Equal(ErrorKind.InvalidData, ex.Kind);
        Assert.Equal(0, destination.Length);
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

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(front.HostPort, "models/lying", "v1"));

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

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(fake.HostPort, "models/huge", "v1"));
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

        var ex = await Assert.ThrowsAsync<RegistryException>(() => client.GetManifestAsync(fake.HostPort, "models/huge", "v1"));
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
        await client.UploadBlobAsync(Registry, repo, configDigest, config.Length, new MemoryStream(config));
        var manifest = Encoding.UTF8.GetBytes(
            "{\"schemaVersion\":2,\"mediaType\":\"" + MediaTypes.OciManifest + "\",\"config\":{\"mediaType\":\"" + MediaTypes.OciImageConfig +
            "\",\"digest\":\"" + configDigest + "\",\"size\":" + config.Length + "},\"layers\":[]}");
        var digest = await client.PutManifestAsync(Registry, repo, "image-" + architecture, manifest, MediaTypes.OciManifest);
        return new Descriptor(MediaTypes.OciManifest, digest, manifest.Length, platform: new Platform(architecture, "linux"));
    }

    private async Task PushIndexAsync(RegistryClient client, string repo, string tag, params Descriptor[] manifests)
    {
        var index = ImageIndex.Create(manifests);
        await client.PutManifestAsync(Registry, repo, tag, index.ToBytes(), MediaTypes.OciIndex);
    }
}
