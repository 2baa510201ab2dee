using System;
using System.Collections.Generic;
using System.IO;
using ModelPack.Core.Configuration;
using ModelPack.Core.Engines;
using ModelPack.Core.Tests.Support;

namespace ModelPack.Core.Tests.Engines;

public sealed class ExecutableSearchTests : IDisposable
{
    private readonly TempDirectory dir = new();

    [Fact]
    public void The_first_PATH_directory_holding_the_name_wins()
    {
        var first = dir.WriteFile("first/podman", "#!/bin/sh\n");
        dir.WriteFile("second/podman", "#!/bin/sh\n");
        var env = Unix($"{dir.Combine("empty")}:{dir.Combine("first")}:{dir.Combine("second")}");

        Assert.Equal(first, ExecutableSearch.Find("podman", env));
    }

    [Fact]
    public void Empty_PATH_entries_do_not_mean_the_current_directory()
    {
        dir.WriteFile("cwd/podman", "#!/bin/sh\n");
        var env = HostEnvironment.FromVariables(new Dictionary<string, string?> { ["PATH"] = "::" + dir.Combine("nothing") + ":" }, false, dir.Combine("cwd"));

        Assert.Null(ExecutableSearch.Find("podman", env));
    }

    [Fact]
    public void A_value_with_a_slash_is_a_path_resolved_from_the_current_directory()
    {
        var tool = dir.WriteFile("tools/podman-remote", "#!/bin/sh\n");
        var env = HostEnvironment.FromVariables(new Dictionary<string, string?> { ["PATH"] = "/nonexistent" }, false, dir.Path);

        Assert.Equal(tool, ExecutableSearch.Find("tools/podman-remote", env));
        Assert.Equal(tool, ExecutableSearch.Find("./tools/podman-remote", env));
        Assert.Equal(tool, ExecutableSearch.Find(tool, env));
        Assert.Null(ExecutableSearch.Find("tools/docker", env));
    }

    [Fact]
    public void A_missing_name_or_PATH_finds_nothing()
    {
        Assert.Null(ExecutableSearch.Find("podman", Unix(dir.Path)));
        Assert.Null(ExecutableSearch.Find("podman", HostEnvironment.FromVariables(new Dictionary<string, string?>(), false)));
    }

    [Fact]
    public void On_Windows_PATHEXT_extensions_are_tried_in_order_and_PATH_splits_on_semicolons()
    {
        dir.WriteFile("a/podman.cmd", "");
        var exe = dir.WriteFile("b/podman.exe", "");
        var env = HostEnvironment.FromVariables(
            new Dictionary<string, string?> { ["Path"] = $"\"{dir.Combine("b")}\";{dir.Combine("a")}", ["PATHEXT"] = ".COM;.EXE;.BAT;.CMD" },
            isWindows: true);

        Assert.Equal(exe, ExecutableSearch.Find("podman", env));
        Assert.Equal(exe, ExecutableSearch.Find("podman.exe", env));
        Assert.Equal(dir.Combine("a", "podman.cmd"), ExecutableSearch.Find("podman.cmd", env));
        Assert.Null(ExecutableSearch.Find("podman.ps1", env));
    }

    [Fact]
    public void On_Windows_without_PATHEXT_the_usual_extensions_are_tried()
    {
        var exe = dir.WriteFile("docker.exe", "");
        var env = HostEnvironment.FromVariables(new Dictionary<string, string?> { ["PATH"] = dir.Path }, isWindows: true);

        Assert.Equal(exe, ExecutableSearch.Find("docker", env));
        Assert.Null(ExecutableSearch.Find("podman", env));
    }

    [Fact]
    public void SearchDirectories_lists_PATH_in_order_without_blanks()
    {
        var env = Unix("/a::/b:");

        Assert.Equal(new[] { "/a", "/b" }, ExecutableSearch.SearchDirectories(env));
    }

    private static HostEnvironment Unix(string path) =>
        HostEnvironment.FromVariables(new Dictionary<string, string?> { ["PATH"] = path }, isWindows: false, currentDirectory: Path.GetTempPath());

    public void Dispose() => dir.Dispose();
}
