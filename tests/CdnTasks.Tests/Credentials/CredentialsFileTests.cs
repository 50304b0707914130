// Copyright (c) CdnTasks contributors. MIT License.

using System.Runtime.InteropServices;
using System.Text;
using CdnTasks.Api;
using Xunit;

namespace CdnTasks.Tests.Credentials
{
    /// <summary>Tests for <see cref="IniDocument"/> and <see cref="CredentialsFile"/> (spec §4: the SDK credentials file).</summary>
    public class CredentialsFileTests
    {
        private const string Path = "/home/u/.huaweicloud/credentials";
        private const string Sk = "sk-VALUE-never-shown-0001";
        private const string Token = "token-VALUE-never-shown-0002";

        /// <summary>Returns the plain text of a secure string (tests only).</summary>
        /// <param name="value">The secure string.</param>
        /// <returns>Its characters.</returns>
        internal static string Plain(System.Security.SecureString value)
        {
            if (value == null)
            {
                return null;
            }

            IntPtr ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
            try
            {
                return Marshal.PtrToStringUni(ptr, value.Length);
            }
            finally
            {
                Marshal.ZeroFreeGlobalAllocUnicode(ptr);
            }
        }

        /// <summary>A good file: [basic] ignored, [global] keys read, comments and spaces tolerated.</summary>
        [Fact]
        public void ReadsTheGlobalSection()
        {
            string text = "# Huawei Cloud SDK\n[basic]\nak = BASICAK00000000000000\nsk = basic-sk\n\n; the global one\n[global]\nak = GLOBALAK0000000000001\nsk = " + Sk
                + "\nsecurity_token = " + Token + "\ndomain_id = dom123\n";
            CdnCredential credential = CredentialsFile.FromText(text, Path);
            Assert.Equal("GLOBALAK0000000000001", credential.AccessKey);
            Assert.Equal(Sk, Plain(credential.SecretKey));
            Assert.Equal(Token, Plain(credential.SecurityToken));
            Assert.Equal("dom123", credential.DomainId);
            Assert.Equal(CredentialSources.File, credential.Source);
            Assert.Equal(Path, credential.SourceDetail);
            Assert.Equal(CredentialSources.File, credential.DomainIdSource);
        }

        /// <summary>Spaces around '=' (or none), tabs, CRLF line ends, upper-case names and ':' separators all parse.</summary>
        /// <param name="text">The file text.</param>
        [Theory]
        [InlineData("[global]\nak=AKAKAKAKAKAK\nsk=" + Sk + "\n")]
        [InlineData("[global]\r\nak   =   AKAKAKAKAKAK  \r\nsk\t=\t" + Sk + "\r\n")]
        [InlineData("  [ global ]  \n  AK = AKAKAKAKAKAK\n  SK = " + Sk + "\n")]
        [InlineData("[global]\nak: AKAKAKAKAKAK\nsk: " + Sk + "\n")]
        [InlineData("\uFEFF[global]\nak = AKAKAKAKAKAK\nsk = " + Sk)]
        public void ToleratesFormatting(string text)
        {
            CdnCredential credential = CredentialsFile.FromText(text, Path);
            Assert.Equal("AKAKAKAKAKAK", credential.AccessKey);
            Assert.Equal(Sk, Plain(credential.SecretKey));
            Assert.Null(credential.SecurityToken);
            Assert.Null(credential.DomainId);
            Assert.Null(credential.DomainIdSource);
        }

        /// <summary>A value may itself contain '=' or ':' (only the first separator splits).</summary>
        [Fact]
        public void KeepsSeparatorsInsideValues()
        {
            CdnCredential credential = CredentialsFile.FromText("[global]\nak = AKAKAKAKAKAK\nsk = a=b:c==\n", Path);
            Assert.Equal("a=b:c==", Plain(credential.SecretKey));
        }

        /// <summary>A UTF-8 file with a byte-order mark, read from disk, parses (the BOM is not part of the first section name).</summary>
        [Fact]
        public void ReadsAFileWithAByteOrderMark()
        {
            string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cdntasks-cred-" + Guid.NewGuid().ToString("N"));
            try
            {
                File.WriteAllText(file, "[global]\nak = AKAKAKAKAKAK\nsk = " + Sk + "\n", new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
                Assert.Equal(0xEF, File.ReadAllBytes(file)[0]);
                CdnCredential credential = CredentialsFile.Load(Env(("HUAWEICLOUD_SDK_CREDENTIALS_FILE", file)), "/nowhere", CredentialsFile.ReadFileOrNull);
                Assert.Equal("AKAKAKAKAKAK", credential.AccessKey);
            }
            finally
            {
                File.Delete(file);
            }
        }

        /// <summary>No [global] section: a clear error that names the file and says [basic] is not for CDN, without any value.</summary>
        [Fact]
        public void MissingGlobalSectionIsAClearError()
        {
            var ex = Assert.Throws<CdnConfigurationException>(() => CredentialsFile.FromText("[basic]\nak = BASICAK0000001\nsk = " + Sk + "\n", Path));
            Assert.Contains(Path, ex.Message);
            Assert.Contains("no [global] section", ex.Message);
            Assert.Contains("[basic] section is for regional services", ex.Message);
            Assert.DoesNotContain(Sk, ex.Message);
            Assert.DoesNotContain("BASICAK0000001", ex.Message);
            Assert.Equal(Path, ex.Path);
        }

        /// <summary>[global] without sk (or ak, or both): a clear error naming the missing key.</summary>
        /// <param name="text">The file text.</param>
        /// <param name="missing">The expected fragment.</param>
        [Theory]
        [InlineData("[global]\nak = AKAKAKAKAKAK\n", "no 'sk'")]
        [InlineData("[global]\nsk = " + Sk + "\n", "no 'ak'")]
        [InlineData("[global]\nak = AKAKAKAKAKAK\nsk =\n", "no 'sk'")]
        [InlineData("[global]\ndomain_id = d\n", "no 'ak' and 'sk'")]
        public void MissingKeysAreAClearError(string text, string missing)
        {
            var ex = Assert.Throws<CdnConfigurationException>(() => CredentialsFile.FromText(text, Path));
            Assert.Contains(missing, ex.Message);
            Assert.Contains(Path, ex.Message);
            Assert.DoesNotContain(Sk, ex.Message);
        }

        /// <summary>Malformed lines: the error names the file and the line number and never repeats the line (it may be a secret).</summary>
        /// <param name="text">The file text.</param>
        /// <param name="line">The line reported.</param>
        /// <param name="problem">The expected problem text.</param>
        [Theory]
        [InlineData("[global]\nak = AKAKAKAKAKAK\n" + Sk + "\n", 3, "expected 'key = value'")]
        [InlineData("ak = AKAKAKAKAKAK\n[global]\n", 1, "comes before any [section]")]
        [InlineData("[global\nak = AKAKAKAKAKAK\n", 1, "must end with ']'")]
        [InlineData("[]\n", 1, "section name is empty")]
        [InlineData("[global]\n= " + Sk + "\n", 2, "key before '=' is empty")]
        [InlineData("[global]\nsk = x\nsk = " + Sk + "\n", 3, "the key 'sk' appears twice in [global]")]
        [InlineData("[global]\nak = A\n[global]\n", 3, "section [global] appears again (first on line 1)")]
        public void MalformedLinesAreAClearError(string text, int line, string problem)
        {
            var ex = Assert.Throws<CdnConfigurationException>(() => CredentialsFile.FromText(text, Path));
            Assert.Contains($"'{Path}' is not a valid INI file: line {line}: ", ex.Message);
            Assert.Contains(problem, ex.Message);
            Assert.DoesNotContain(Sk, ex.Message);
        }

        /// <summary>Comment lines (# and ;) and blank lines are skipped even inside a section.</summary>
        [Fact]
        public void SkipsCommentsAndBlankLines()
        {
            IniDocument document = IniDocument.Parse("; top\n\n[global]\n# ak = COMMENTED\n   ; sk = COMMENTED\n\nak = REAL\n", Path);
            Assert.Equal("REAL", document.Section("global")["ak"]);
            Assert.Single(document.Section("global"));
        }

        /// <summary>
        /// Issue 13: inline comments and quotes no longer become part of a key. A '#' or ';' after whitespace starts a
        /// comment (go-ini cuts there; no key has whitespace), quotes hold a value literally (go-ini strips them),
        /// and comments may follow a section header or a quoted value.
        /// </summary>
        [Theory]
        [InlineData("[global]\nak = AKAKAKAKAKAK ; the access key\nsk = " + Sk + "   # rotated in May\n", Sk)]
        [InlineData("[global]\nak = \"AKAKAKAKAKAK\"\nsk = '" + Sk + "'\n", Sk)]
        [InlineData("[global] ; CDN reads this one\nak = AKAKAKAKAKAK\nsk = \"" + Sk + "\" # quoted\n", Sk)]
        [InlineData("[global]\nak = AKAKAKAKAKAK\nsk = \"with#hash;and semicolon\"\n", "with#hash;and semicolon")]
        [InlineData("[global]\nak = AKAKAKAKAKAK\nsk = 'it\"s'\n", "it\"s")]
        public void CommentsAndQuotesAreReadAsTheSdksMeanThem(string text, string secret)
        {
            CdnCredential credential = CredentialsFile.FromText(text, Path);

            Assert.Equal("AKAKAKAKAKAK", credential.AccessKey);
            Assert.Equal(secret, Plain(credential.SecretKey));
        }

        /// <summary>
        /// Where the SDKs disagree or a line cannot be read, the error names the line number and the problem and
        /// never repeats the line: a '#' or ';' glued to a value (Go cuts it, Python and .NET keep it), an unclosed
        /// quote, text after a closing quote, a continuation line, and a value that would break a header.
        /// </summary>
        [Theory]
        [InlineData("[global]\nak = AKAKAKAKAKAK\nsk = " + Sk + "#note\n", 3, "contains '#', which the Huawei SDKs read differently")]
        [InlineData("[global]\nak = AKAKAKAKAKAK;x\nsk = " + Sk + "\n", 2, "contains ';', which the Huawei SDKs read differently")]
        [InlineData("[global]\nak = AKAKAKAKAKAK\nsk = \"" + Sk + "\n", 3, "opens a quote (\") that is not closed on the same line")]
        [InlineData("[global]\nak = AKAKAKAKAKAK\nsk = '" + Sk + "'x\n", 3, "only a comment (after a space")]
        [InlineData("[global] x\nak = AKAKAKAKAKAK\n", 1, "only a comment (starting with '#' or ';') may follow a section header")]
        [InlineData("[global]\nak = AKAKAKAKAKAK\nsk =\n    " + Sk + "\n", 4, "a value cannot continue on the next line")]
        public void AmbiguousOrBrokenLinesAreErrorsNamingTheLine(string text, int line, string problem)
        {
            var ex = Assert.Throws<CdnConfigurationException>(() => CredentialsFile.FromText(text, Path));

            Assert.Contains($"line {line}: ", ex.Message);
            Assert.Contains(problem, ex.Message);
            Assert.DoesNotContain(Sk, ex.Message);
        }

        /// <summary>A value that is read but cannot be sent (a control character) names its line and key, never the value.</summary>
        [Theory]
        [InlineData("[global]\nak = AKAKAKAKAKAK\nsk = " + Sk + "\ndomain_id = 'a\u0007b'\n", 4, "'domain_id' in [global] contains the control character U+0007")]
        [InlineData("[global]\nak = \"  \"\nsk = " + Sk + "\n", 2, "'ak' in [global] is empty (or only whitespace)")]
        [InlineData("[global]\nak = AKAKAKAKAKAK\nsk = " + Sk + "\nsecurity_token = 't\u00f6k'\n", 4, "'security_token' in [global] contains a non-ASCII character")]
        public void UnusableValuesAreErrorsNamingTheLineAndKey(string text, int line, string problem)
        {
            var ex = Assert.Throws<CdnConfigurationException>(() => CredentialsFile.FromText(text, Path));

            Assert.Contains($"line {line}: {problem}", ex.Message);
            Assert.DoesNotContain(Sk, ex.Message);
        }

        /// <summary>Section names are case-sensitive in all three SDKs; a [GLOBAL] gets an error that says so.</summary>
        [Fact]
        public void SectionNamesAreCaseSensitiveAsInTheSdks()
        {
            var ex = Assert.Throws<CdnConfigurationException>(() => CredentialsFile.FromText("[GLOBAL]\nak = AKAKAKAKAKAK\nsk = " + Sk + "\n", Path));

            Assert.Contains("no [global] section", ex.Message);
            Assert.Contains("[GLOBAL] is there, but section names are case-sensitive (as in the Huawei SDKs): write [global].", ex.Message);
        }

        /// <summary>A file its group or others may read gets one warning per file and process, naming the mode and the fix.</summary>
        [Fact]
        public void AFileOthersCanReadIsWarnedAboutOnce()
        {
            CredentialsFile.ResetPermissionWarnings();
            string text = "[global]\nak = AKAKAKAKAKAK\nsk = " + Sk + "\n";
            var warnings = new List<string>();
            Func<string, string> env = Env(("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "/x/shared-creds"));

            CredentialsFile.Load(env, "/home/u", _ => text, warnings.Add, _ => Convert.ToInt32("644", 8));
            CredentialsFile.Load(env, "/home/u", _ => text, warnings.Add, _ => Convert.ToInt32("644", 8));
            CredentialsFile.Load(Env(("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "/x/private-creds")), "/home/u", _ => text, warnings.Add, _ => Convert.ToInt32("600", 8));
            CredentialsFile.Load(Env(("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "/x/windows-creds")), "/home/u", _ => text, warnings.Add, _ => null);

            string warning = Assert.Single(warnings);
            Assert.Equal("The credentials file '/x/shared-creds' can be read or changed by other users (mode 0644); it holds your secret key. Restrict it to yourself: chmod 600 '/x/shared-creds'.", warning);
        }

        /// <summary>The real permission bits are read on Unix (File.GetUnixFileMode through reflection).</summary>
        [Fact]
        public void ReadsTheRealModeOnUnix()
        {
            if (OperatingSystem.IsWindows())
            {
                Assert.Null(CredentialsFile.UnixMode(System.IO.Path.GetTempFileName()));
                return;
            }

            string file = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "cdntasks-mode-" + Guid.NewGuid().ToString("N"));
            try
            {
                File.WriteAllText(file, "x");
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead);
                Assert.Equal(Convert.ToInt32("640", 8), CredentialsFile.UnixMode(file));
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
                Assert.Null(CredentialsFile.PermissionWarning(file, CredentialsFile.UnixMode(file)));
            }
            finally
            {
                File.Delete(file);
            }
        }

        /// <summary>HUAWEICLOUD_SDK_CREDENTIALS_FILE wins over the home directory; otherwise ~/.huaweicloud/credentials.</summary>
        [Fact]
        public void LocatesTheFile()
        {
            Assert.Equal("/x/creds", CredentialsFile.Locate(Env(("HUAWEICLOUD_SDK_CREDENTIALS_FILE", " /x/creds ")), "/home/u", out bool isExplicit));
            Assert.True(isExplicit);
            Assert.Equal(System.IO.Path.Combine("/home/u", ".huaweicloud", "credentials"), CredentialsFile.Locate(Env(), "/home/u", out isExplicit));
            Assert.False(isExplicit);
            Assert.Null(CredentialsFile.Locate(Env(), null, out _));
        }

        /// <summary>The default file missing is no source (null); a named file missing is an error naming the variable and path.</summary>
        [Fact]
        public void MissingFiles()
        {
            var read = new List<string>();
            string Reader(string p)
            {
                read.Add(p);
                return null;
            }

            Assert.Null(CredentialsFile.Load(Env(), "/home/u", Reader));
            Assert.Equal(System.IO.Path.Combine("/home/u", ".huaweicloud", "credentials"), Assert.Single(read));
            var ex = Assert.Throws<CdnConfigurationException>(() => CredentialsFile.Load(Env(("HUAWEICLOUD_SDK_CREDENTIALS_FILE", "/x/missing")), "/home/u", Reader));
            Assert.Contains("HUAWEICLOUD_SDK_CREDENTIALS_FILE names the credentials file '/x/missing', which does not exist", ex.Message);
        }

        /// <summary>An unreadable file is an error naming it.</summary>
        [Fact]
        public void UnreadableFileIsAClearError()
        {
            var ex = Assert.Throws<CdnConfigurationException>(() => CredentialsFile.Load(Env(), "/home/u", _ => throw new UnauthorizedAccessException("Access denied.")));
            Assert.Contains("cannot be read: Access denied.", ex.Message);
            Assert.IsType<UnauthorizedAccessException>(ex.InnerException);
        }

        /// <summary>Builds an environment reader from pairs.</summary>
        /// <param name="pairs">Name and value pairs.</param>
        /// <returns>The reader.</returns>
        internal static Func<string, string> Env(params (string Name, string Value)[] pairs)
        {
            var map = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach ((string name, string value) in pairs)
            {
                map[name] = value;
            }

            return name => map.TryGetValue(name, out string value) ? value : null;
        }
    }
}
