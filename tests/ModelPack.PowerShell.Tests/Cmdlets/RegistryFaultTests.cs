using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Management.Automation;
using System.Threading;
using System.Threading.Tasks;
using ModelPack.Core.Tests.Support;
using ModelPack.PowerShell.Tests.Support;

namespace ModelPack.PowerShell.Tests.Cmdlets;

/// <summary>
/// The cmdlets against the real registry behind a fault-injecting proxy: -MaxRetry and the config file's
/// maxRetry reach the registry client, and a Save stopped mid-blob is resumed by the next Save.
/// Injected 503s carry Retry-After: 0, so retries happen at once and no test waits for a backoff.
/// </summary>
public sealed class RegistryFaultTests : StoreTestBase, IDisposable
{
    private readonly ServiceUnavailable _unavailable = new();
    private Func<ProxiedRequest, bool> _faulted = _ => false;

    public RegistryFaultTests(StoreRegistryFixture fixture)
        : base(fixture)
    {
        Proxy = new FaultProxy(fixture.Registry.HostPort, r => _faulted(r) ? _unavailable.Next() : Fault.None);
    }

    private FaultProxy Proxy { get; }

    [Fact]
    public async Task Save_with_MaxRetry_0_reports_the_first_503_and_with_MaxRetry_2_rides_out_two()
    {
        var model = TinyModel(31);
        var reference = await PushBehindProxyAsync(model, "retry");
        var weight = model.Layers[0].Descriptor.Digest;
        _faulted = r => r.IsBlobGet(weight);

        _unavailable.Arm(2);
        var once = Ps.Run("param($r) Save-ModelArtifact $r -MaxRetry 0 -Verbose", Args(("r", reference)));

        var error = Assert.Single(once.AllErrors);
        Assert.Equal("RegistryError,ModelPack.Cmdlets.SaveModelArtifactCommand", error.FullyQualifiedErrorId);
        Assert.Equal(ErrorCategory.ResourceUnavailable, error.CategoryInfo.Category);
        Assert.Contains("503", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal([503], Statuses(weight));
        Assert.Contains(once.Verbose, v => v.Contains("retried up to 0 time(s) (MaxRetry from -MaxRetry)", StringComparison.Ordinal));
        Assert.Empty(Ps.RunOk("Get-ModelArtifact"));

        _unavailable.Arm(2);
        var saved = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Save-ModelArtifact $r -MaxRetry 2 -PassThru", Args(("r", reference))));

        Assert.Equal(model.Digest, saved.Digest);
        Assert.Equal([503, 503, 503, 200], Statuses(weight));
        Assert.Equal(model.Layers[0].Bytes, File.ReadAllBytes(Path.Combine(saved.Path!, "model.safetensors")));
    }

    [Fact]
    public async Task The_config_files_maxRetry_applies_without_the_parameter_and_the_parameter_overrides_it()
    {
        var model = TinyModel(32);
        var reference = await PushBehindProxyAsync(model, "retry-config");
        var weight = model.Layers[0].Descriptor.Digest;
        _faulted = r => r.IsBlobGet(weight);
        var config = Store.TempFile("config.json");
        File.WriteAllText(config, "{ \"maxRetry\": 1 }");

        _unavailable.Arm(2);
        var fromFile = Ps.Run("param($c, $r) $env:MODELPACK_CONFIG = $c; Save-ModelArtifact $r -Verbose", Args(("c", config), ("r", reference)));

        var error = Assert.Single(fromFile.AllErrors);
        Assert.StartsWith("RegistryError,", error.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Contains("Gave up after 2 attempts", error.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("MaxRetry (1) reached", error.Exception.Message, StringComparison.Ordinal);
        Assert.Equal([503, 503], Statuses(weight));
        Assert.Contains(fromFile.Verbose, v => v.Contains($"retried up to 1 time(s) (MaxRetry from the config file '{config}')", StringComparison.Ordinal));

        _unavailable.Arm(2);
        var overridden = Ps.Run("param($r) Save-ModelArtifact $r -MaxRetry 2 -PassThru", Args(("r", reference)));

        Assert.Empty(overridden.AllErrors);
        Assert.Equal(model.Digest, OnlyOne<ModelArtifact>(overridden.Output).Digest);
        Assert.Equal([503, 503, 503, 503, 200], Statuses(weight));
    }

    [Fact]
    public async Task Get_ModelArtifact_Remote_takes_MaxRetry()
    {
        var model = TinyModel(33);
        var reference = await PushBehindProxyAsync(model, "retry-remote");
        _faulted = r => r.Method == "GET" && r.Path.Contains("/manifests/", StringComparison.Ordinal);

        var (failed, succeeded) = FailAtOnceThenRetryOnce("param($r, $n) Get-ModelArtifact -Remote $r -MaxRetry $n", reference);

        Assert.StartsWith("RegistryError,ModelPack.Cmdlets.GetModelArtifactCommand", failed.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(model.Digest, OnlyOne<ModelArtifact>(succeeded).Digest);
    }

    [Fact]
    public async Task Publish_ModelArtifact_takes_MaxRetry()
    {
        var model = TinyModel(34);
        var reference = await PushBehindProxyAsync(model, "retry-publish-source");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));
        var destination = $"{Proxy.HostPort}/{Fixture.NewRepository("retry-publish")}:v1";
        _faulted = r => r.Path.StartsWith("/v2/" + RepositoryOf(destination) + "/", StringComparison.Ordinal);

        var (failed, succeeded) = FailAtOnceThenRetryOnce($"param($r, $n) Publish-ModelArtifact $r -Destination '{destination}' -MaxRetry $n -PassThru", reference);

        Assert.StartsWith("RegistryError,ModelPack.Cmdlets.PublishModelArtifactCommand", failed.FullyQualifiedErrorId, StringComparison.Ordinal);
        Assert.Equal(model.Digest, OnlyOne<ModelArtifact>(succeeded).Digest);
        Assert.Equal(model.Digest, OnlyOne<ModelArtifact>(Ps.RunOk("param($d) Get-ModelArtifact -Remote $d", Args(("d", destination)))).Digest);
    }

    [Fact]
    public async Task Test_ModelArtifact_Repair_takes_MaxRetry()
    {
        var model = TinyModel(35);
        var reference = await PushBehindProxyAsync(model, "retry-repair");
        Ps.RunOk("param($r) Save-ModelArtifact $r", Args(("r", reference)));
        var weight = model.Layers[0].Descriptor.Digest;
        var blob = Path.Combine(Store.StoreRoot, "blobs", "sha256", weight["sha256:".Length..]);
        File.SetAttributes(blob, FileAttributes.Normal);
        using (var stream = new FileStream(blob, FileMode.Open, FileAccess.ReadWrite))
        {
            stream.Position = 1000;
            var b = stream.ReadByte();
            stream.Position = 1000;
            stream.WriteByte((byte)(b ^ 0x01));
        }

        _faulted = r => r.IsBlobGet(weight);

        var (failed, succeeded) = FailAtOnceThenRetryOnce("param($r, $n) Test-ModelArtifact -Reference $r -Repair -MaxRetry $n", reference);

        Assert.StartsWith("RegistryError,ModelPack.Cmdlets.TestModelArtifactCommand", failed.FullyQualifiedErrorId, StringComparison.Ordinal);
        var result = OnlyOne<ModelValidationResult>(succeeded);
        Assert.True(result.IsValid, string.Join("; ", result.Violations));
        Assert.Equal(model.Layers[0].Bytes, File.ReadAllBytes(blob));
    }

    [Fact]
    public async Task Stopping_Save_mid_blob_returns_within_a_second_keeps_the_partial_and_the_next_Save_resumes_it()
    {
        const int WeightSize = 32 * 1024 * 1024;
        var model = TinyModel(36, WeightSize);
        var reference = await PushBehindProxyAsync(model, "resume");
        var weight = model.Layers[0].Descriptor.Digest;
        Proxy.BlobBytesPerSecond = 8 * 1024 * 1024;

        TimeSpan stopTook;
        using (var ps = System.Management.Automation.PowerShell.Create())
        {
            ps.Runspace = Ps.Runspace;
            ps.AddScript("param($r) Save-ModelArtifact $r").AddParameter("r", reference);
            var invocation = ps.BeginInvoke();
            var deadline = Stopwatch.StartNew();
            // More than loopback's socket buffers hold (up to 6 MiB), so the client has read some of it.
            while (Proxy.BlobBytesSent(weight) < 12 * 1024 * 1024 && !invocation.IsCompleted && deadline.Elapsed < TimeSpan.FromSeconds(20))
            {
                await Task.Delay(20);
            }

            Assert.False(invocation.IsCompleted, "Save-ModelArtifact ended before it was stopped: " + ps.InvocationStateInfo.Reason);
            var stopping = Stopwatch.StartNew();
            // Not ps.Stop(): it would block a thread-pool thread of this 2-core test host, and the cancelled pull's
            // continuations then wait for the pool to add a thread (about a second), which no pwsh user sees.
            await Task.Factory.FromAsync(ps.BeginStop, ps.EndStop, null);
            stopTook = stopping.Elapsed;
            Assert.Equal(PSInvocationState.Stopped, ps.InvocationStateInfo.State);
        }

        Assert.True(stopTook < TimeSpan.FromSeconds(1), $"Stop took {stopTook}");
        var partial = new FileInfo(Path.Combine(Store.StoreRoot, "tmp", weight["sha256:".Length..] + ".partial"));
        Assert.True(partial.Exists, "no partial download in tmp/");
        var kept = partial.Length;
        Assert.InRange(kept, 1, WeightSize - 1);
        Assert.False(Store.HasBlob(weight));
        Assert.Empty(Ps.RunOk("Get-ModelArtifact"));

        Proxy.BlobBytesPerSecond = 0;
        var saved = OnlyOne<ModelArtifact>(Ps.RunOk("param($r) Save-ModelArtifact $r -PassThru", Args(("r", reference))));

        Assert.Equal(model.Digest, saved.Digest);
        Assert.Equal(true, Ps.RunOk("param($r) Test-ModelArtifact -Reference $r -Quiet", Args(("r", reference))).Single().BaseObject);
        var gets = Proxy.BlobGets(weight).ToList();
        Assert.Equal(2, gets.Count);
        Assert.Equal($"bytes={kept}-", gets[1].Range);
        Assert.Equal(206, gets[1].Status);
        Assert.Equal(WeightSize - kept, gets[1].BytesSent);
    }

    public new void Dispose()
    {
        Proxy.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// Runs <paramref name="script"/> (parameters $r and $n) with -MaxRetry 0 and one 503 armed, which must fail at the
    /// first faulted request, then with -MaxRetry 1 and one 503 armed, which must succeed; returns the error and the output.
    /// </summary>
    private (ErrorRecord Failed, System.Collections.Generic.List<PSObject> Succeeded) FailAtOnceThenRetryOnce(string script, string reference)
    {
        var before = Proxy.Requests.Count(_faulted);
        _unavailable.Arm(1);
        var failed = Ps.Run(script, Args(("r", reference), ("n", 0)));
        var failedRequests = Proxy.Requests.Where(_faulted).Skip(before).Select(r => r.Status).ToList();

        _unavailable.Arm(1);
        var succeeded = Ps.Run(script, Args(("r", reference), ("n", 1)));

        Assert.Equal([503], failedRequests);
        Assert.Empty(succeeded.AllErrors);
        Assert.Equal(0, _unavailable.Left);
        return (Assert.Single(failed.AllErrors), succeeded.Output);
    }

    private int[] Statuses(string digest) => Proxy.BlobGets(digest).Select(r => r.Status).ToArray();

    /// <summary>Pushes to the registry and returns the reference the cmdlets pull through the proxy.</summary>
    private async Task<string> PushBehindProxyAsync(TestArtifact model, string stem)
    {
        var repository = Fixture.NewRepository(stem);
        await Fixture.PushAsync(model, repository, "v1");
        return $"{Proxy.HostPort}/{repository}:v1";
    }

    /// <summary>Answers the next N faulted requests with 503 and Retry-After: 0.</summary>
    private sealed class ServiceUnavailable
    {
        private int _left;

        public int Left => Math.Max(0, Volatile.Read(ref _left));

        public void Arm(int count) => Volatile.Write(ref _left, count);

        public Fault Next() => Interlocked.Decrement(ref _left) >= 0 ? Fault.Answer(503, ("Retry-After", "0")) : Fault.None;
    }
}
