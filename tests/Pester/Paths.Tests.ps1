# Paths as PowerShell users write them: relative to the current location (which is not the process
# directory), through PSDrives, with ~, and MODELPACK_STORE set to a relative folder.

BeforeAll {
    Import-Module (Join-Path $PSScriptRoot 'SpecSupport.psm1') -Force
    Import-Module (Get-SpecModulePath) -Force
    $script:Saved = Use-SpecStore
    $script:Registry = Get-SpecRegistry
    $script:Work = Join-Path $TestDrive 'work'
    $null = New-Item -ItemType Directory -Force -Path $Work
    $script:ProcessDirectory = [Environment]::CurrentDirectory
}

AfterAll {
    Restore-SpecEnvironment $script:Saved
}

Describe 'A relative MODELPACK_STORE' {
    BeforeAll {
        $script:Here = Join-Path $TestDrive 'here'
        $null = New-SpecModelFolder -Path (Join-Path $Here 'model') -Seed relative-store
        $script:OuterStore = $env:MODELPACK_STORE
        $script:Relative = 'relative-store-' + [guid]::NewGuid().ToString('n').Substring(0, 8)
        Push-Location $Here
        $env:MODELPACK_STORE = $Relative
        $script:Reference = "$Registry/$(New-SpecRepository relative):1.0"
        $script:Packed = New-ModelArtifact -Path ./model -Reference $Reference
    }

    AfterAll {
        $env:MODELPACK_STORE = $OuterStore
        Pop-Location
    }

    It 'is resolved against the current location, not the process directory' {
        $Here | Should -Not -Be $ProcessDirectory
        Join-Path $Here $Relative 'oci-layout' | Should -Exist
        Join-Path $ProcessDirectory $Relative | Should -Not -Exist
        $Packed.StorePath | Should -Be (Join-Path $Here $Relative)
    }

    It 'lists, completes and mounts from that store' {
        (Get-ModelArtifact -Reference $Reference).StorePath | Should -Be (Join-Path $Here $Relative)
        $line = "Get-ModelArtifact -Reference $($Reference.Substring(0, $Reference.Length - 2))"
        (TabExpansion2 -inputScript $line -cursorColumn $line.Length).CompletionMatches.CompletionText | Should -Contain $Reference
        (Get-ModelMount -Reference $Reference).Source | Should -BeLike (Join-Path $Here $Relative '*')
    }

    It 'follows the current location when it changes' {
        $other = Join-Path $TestDrive 'elsewhere'
        $null = New-Item -ItemType Directory -Force -Path $other
        Push-Location $other
        try {
            Get-ModelArtifact -Reference "$Registry/specs/*" | Should -BeNullOrEmpty
            Join-Path $other $Relative | Should -Not -Exist -Because 'listing must not create a store'
        }
        finally {
            Pop-Location
        }
    }
}

Describe 'Paths given to the cmdlets' {
    BeforeAll {
        $script:Drive = 'SpecWork' + [guid]::NewGuid().ToString('n').Substring(0, 6)
        $null = New-PSDrive -Name $Drive -PSProvider FileSystem -Root $Work
        $null = New-SpecModelFolder -Path (Join-Path $Work 'drive-model') -Seed drive
        $script:DriveReference = "$Registry/$(New-SpecRepository drive):1.0"
    }

    AfterAll {
        Remove-PSDrive -Name $Drive -ErrorAction Ignore
    }

    It 'packs a folder given through a PSDrive' {
        $artifact = New-ModelArtifact -Path "${Drive}:\drive-model" -Reference $DriveReference
        $artifact.Files.Path | Should -Contain 'model.gguf'
    }

    It 'packs a folder piped from Get-Item on a PSDrive (FullName binds -Path)' {
        $artifact = Get-Item "${Drive}:\drive-model" | New-ModelArtifact -Reference ($DriveReference -replace ':1\.0$', ':piped')
        $artifact.Files | Should -HaveCount 3
    }

    It 'exports to a relative -Path and to a PSDrive path' {
        $DriveReference | Publish-ModelArtifact
        Push-Location $Work
        try {
            Save-ModelArtifact -Reference $DriveReference -Path ./exported -Force
            Join-Path $Work 'exported/model.gguf' | Should -Exist
        }
        finally {
            Pop-Location
        }
        Save-ModelArtifact -Reference $DriveReference -Path "${Drive}:/exported-drive" -Force
        Join-Path $Work 'exported-drive/README.md' | Should -Exist
    }

    It 'reads a layout and validates a manifest through relative and PSDrive paths' {
        $layout = Join-Path $Work 'layout'
        $null = New-Item -ItemType Directory -Force -Path $layout
        # The store is an OCI image layout itself: copy it and read the copy.
        Copy-Item -Path (Join-Path $env:MODELPACK_STORE '*') -Destination $layout -Recurse -Force
        Push-Location $Work
        try {
            (Get-ModelArtifact -Path ./layout -Reference $DriveReference).Digest | Should -Match '^sha256:'
        }
        finally {
            Pop-Location
        }
        (Get-ModelArtifact -Path "${Drive}:\layout" -Reference $DriveReference).Reference | Should -Be $DriveReference
        $manifest = (Get-ModelArtifact -Path "${Drive}:\layout" -Reference $DriveReference).Digest -replace '^sha256:', ''
        Test-ModelArtifact -Path "${Drive}:\layout\blobs\sha256\$manifest" -Quiet | Should -BeTrue
    }
}
