namespace ModelPack.Core.Tests.Support;

public class TestToolsTests
{
    [Fact]
    public void A_missing_tool_is_a_skip_with_its_install_hint_outside_CI_and_never_in_CI()
    {
        var reason = TestTools.SkipReason(new[] { "no-such-tool-modelpack" }, inCi: false);

        Assert.Equal("needs no-such-tool-modelpack (apt-get install no-such-tool-modelpack)", reason);
        Assert.Null(TestTools.SkipReason(new[] { "no-such-tool-modelpack" }, inCi: true));
    }

    [Fact]
    public void Debian_podman_is_found_at_its_fixed_path_and_launchers_in_the_tools_folder()
    {
        Assert.Equal(System.IO.File.Exists("/usr/bin/podman") ? "/usr/bin/podman" : null, TestTools.Find(TestTools.Podman43));
        var launcher = System.IO.Path.Combine(TestTools.LauncherDirectory, TestTools.Pwsh76);
        Assert.Equal(System.IO.File.Exists(launcher) ? launcher : null, TestTools.Find(TestTools.Pwsh76));
    }

    [Fact]
    public void Require_fails_naming_what_to_install()
    {
        var ex = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => TestTools.Require(TestTools.Pwsh74 + "-absent"));
        Assert.Contains("pwsh-7.4-absent", ex.Message);
    }
}
