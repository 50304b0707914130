// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;

namespace CdnTasks.Api
{
    /// <summary>
    /// A configuration source (credentials file, environment variable) that exists but cannot be used. The
    /// message names the source and the problem, never a secret value.
    /// </summary>
    public sealed class CdnConfigurationException : Exception
    {
        /// <summary>Creates the exception.</summary>
        public CdnConfigurationException(string message, string path = null, Exception innerException = null)
            : base(message, innerException)
        {
            Path = path;
        }

        /// <summary>Gets the file the problem is in, or null.</summary>
        public string Path { get; }
    }

    /// <summary>
    /// The sections and keys of the Huawei Cloud SDK credentials file, parsed as the SDKs parse it, and strict
    /// where they disagree (a malformed line is an error naming its number, never a silently wrong key).
    /// What the SDKs do, and what this parser does:
    /// <list type="bullet">
    /// <item>Comments: a line starting with '#' or ';' (all three SDKs: Python configparser, Go's go-ini, and
    /// .NET, which drops the line because its key never matches). Kept.</item>
    /// <item>Whitespace: lines, keys and values are trimmed (all three). Kept.</item>
    /// <item>Separators: '=' or ':' (Python, Go; .NET only '='), the first one splits. Kept.</item>
    /// <item>Section names: looked up case-sensitively ("global"; all three), trimmed (Go). Kept; a [GLOBAL] gets
    /// an error that says why.</item>
    /// <item>Key names: Python lower-cases them. Kept (case-insensitive).</item>
    /// <item>Duplicate keys or sections: errors in Python (strict) and .NET (Dictionary.Add). Kept as errors.</item>
    /// <item>A line without a separator, or a key before any section: errors in Python and Go. Kept.</item>
    /// <item>Quotes around a value: Go removes them, Python and .NET keep them as part of the key (and the
    /// request then fails with 401). Removed here: "..." and '...' hold the value literally.</item>
    /// <item>Inline comments: Go cuts the value at the first '#' or ';', Python and .NET keep them in the key.
    /// Here a '#' or ';' after whitespace starts a comment (no key contains whitespace); a '#' or ';' inside
    /// an unquoted value is refused (the SDKs would read different keys), and quoting keeps it.</item>
    /// </list>
    /// Errors name the line number and the problem but never repeat the line, which may hold a secret.
    /// </summary>
    internal sealed class IniDocument
    {
        private readonly Dictionary<string, Dictionary<string, IniValue>> _sections =
            new Dictionary<string, Dictionary<string, IniValue>>(StringComparer.Ordinal);

        /// <summary>Gets the section names in the file, as written (trimmed).</summary>
        public IEnumerable<string> SectionNames => _sections.Keys;

        /// <summary>Gets the keys and values of a section (exact, case-sensitive name), or null when there is none.</summary>
        public IReadOnlyDictionary<string, string> Section(string name) =>
            _sections.TryGetValue(name, out Dictionary<string, IniValue> section) ? section.ToDictionary(p => p.Key, p => p.Value.Text, StringComparer.OrdinalIgnoreCase) : null;

        /// <summary>Gets the line a key of a section is on, or 0.</summary>
        public int LineOf(string section, string key) =>
            _sections.TryGetValue(section, out Dictionary<string, IniValue> keys) && keys.TryGetValue(key, out IniValue value) ? value.Line : 0;

        /// <summary>Parses the text of a credentials file (a UTF-8 byte-order mark is ignored).</summary>
        /// <exception cref="CdnConfigurationException">The text is not a valid credentials file.</exception>
        public static IniDocument Parse(string text, string path)
        {
            var document = new IniDocument();
            if (text == null)
            {
                return document;
            }

            if (text.Length > 0 && text[0] == '\uFEFF')
            {
                text = text.Substring(1);
            }

            string[] lines = text.Split('\n');
            Dictionary<string, IniValue> current = null;
            string currentName = null;
            var sectionLines = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int i = 0; i < lines.Length; i++)
            {
                int number = i + 1;
                string raw = lines[i];
                string line = raw.Trim();
                if (line.Length == 0 || line[0] == '#' || line[0] == ';')
                {
                    continue;
                }

                if (line[0] == '[')
                {
                    int close = line.IndexOf(']');
                    if (close < 0)
                    {
                        throw Malformed(path, number, "a section header must end with ']'");
                    }

                    if (!IsBlankOrComment(line.Substring(close + 1)))
                    {
                        throw Malformed(path, number, "only a comment (starting with '#' or ';') may follow a section header");
                    }

                    string name = line.Substring(1, close - 1).Trim();
                    if (name.Length == 0)
                    {
                        throw Malformed(path, number, "the section name is empty");
                    }

                    if (sectionLines.TryGetValue(name, out int first))
                    {
                        throw Malformed(path, number, string.Format(CultureInfo.InvariantCulture, "section [{0}] appears again (first on line {1})", name, first));
                    }

                    sectionLines[name] = number;
                    current = new Dictionary<string, IniValue>(StringComparer.OrdinalIgnoreCase);
                    currentName = name;
                    document._sections[name] = current;
                    continue;
                }

                int separator = IndexOfSeparator(line);
                if (separator < 0)
                {
                    string hint = raw.Length > 0 && char.IsWhiteSpace(raw[0]) ? " (a value cannot continue on the next line)" : string.Empty;
                    throw Malformed(path, number, "expected 'key = value', a [section] header or a comment starting with '#' or ';'" + hint);
                }

                string key = line.Substring(0, separator).Trim();
                if (key.Length == 0)
                {
                    throw Malformed(path, number, "the key before '=' is empty");
                }

                if (current == null)
                {
                    throw Malformed(path, number, string.Format(CultureInfo.InvariantCulture, "the key '{0}' comes before any [section] header", SafeKey(key)));
                }

                if (current.ContainsKey(key))
                {
                    throw Malformed(path, number, string.Format(CultureInfo.InvariantCulture, "the key '{0}' appears twice in [{1}]", SafeKey(key), currentName));
                }

                current[key] = new IniValue(ParseValue(line.Substring(separator + 1).Trim(), path, number, SafeKey(key)), number);
            }

            return document;
        }

        // A value: "quoted" or 'quoted' holds its text literally; otherwise whitespace + '#'/';' starts a comment.
        private static string ParseValue(string value, string path, int line, string key)
        {
            if (value.Length > 0 && (value[0] == '"' || value[0] == '\''))
            {
                char quote = value[0];
                int close = value.IndexOf(quote, 1);
                if (close < 0)
                {
                    throw Malformed(path, line, $"the value of '{key}' opens a quote ({quote}) that is not closed on the same line");
                }

                if (!IsBlankOrComment(value.Substring(close + 1)))
                {
                    throw Malformed(path, line, $"only a comment (after a space, starting with '#' or ';') may follow the quoted value of '{key}'");
                }

                return value.Substring(1, close - 1);
            }

            for (int i = 0; i < value.Length; i++)
            {
                if (value[i] != '#' && value[i] != ';')
                {
                    continue;
                }

                if (i > 0 && char.IsWhiteSpace(value[i - 1]))
                {
                    return value.Substring(0, i).TrimEnd();
                }

                throw Malformed(
                    path,
                    line,
                    $"the value of '{key}' contains '{value[i]}', which the Huawei SDKs read differently (Go ends the value there, Python and .NET keep it): "
                    + "if it belongs to the value, write the value in quotes; if a comment starts there, put a space before it");
            }

            return value;
        }

        private static bool IsBlankOrComment(string rest)
        {
            string trimmed = rest.Trim();
            return trimmed.Length == 0 || ((trimmed[0] == '#' || trimmed[0] == ';') && (rest.Length == 0 || char.IsWhiteSpace(rest[0])));
        }

        private static int IndexOfSeparator(string line)
        {
            int equals = line.IndexOf('=');
            int colon = line.IndexOf(':');
            if (equals < 0)
            {
                return colon;
            }

            return colon < 0 ? equals : Math.Min(equals, colon);
        }

        // A "key" on a malformed line could be a pasted secret; show it only when it looks like a key name.
        private static string SafeKey(string key) => key.Length <= 32 && key.All(c => char.IsLetterOrDigit(c) || c == '_' || c == '-' || c == '.') ? key : "(a long key)";

        private static CdnConfigurationException Malformed(string path, int line, string problem) =>
            new CdnConfigurationException(
                string.Format(CultureInfo.InvariantCulture, "The credentials file '{0}' is not a valid INI file: line {1}: {2}.", path, line, problem),
                path);

        private readonly struct IniValue
        {
            public IniValue(string text, int line)
            {
                Text = text;
                Line = line;
            }

            public string Text { get; }

            public int Line { get; }
        }
    }

    /// <summary>
    /// The Huawei Cloud SDK credentials file (<c>~/.huaweicloud/credentials</c>, or the file named by
    /// HUAWEICLOUD_SDK_CREDENTIALS_FILE): CDN is a global service, so only the <c>[global]</c> section is used,
    /// with the keys ak, sk, security_token and domain_id. The <c>[basic]</c> section belongs to regional services.
    /// </summary>
    internal static class CredentialsFile
    {
        /// <summary>The environment variable that names another credentials file.</summary>
        public const string PathVariable = "HUAWEICLOUD_SDK_CREDENTIALS_FILE";

        /// <summary>The section CDN reads.</summary>
        public const string GlobalSection = "global";

        // Files already warned about (group/other can read them), once per process.
        private static readonly ConcurrentDictionary<string, bool> s_permissionWarned = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        /// <summary>
        /// Gets the file to read: HUAWEICLOUD_SDK_CREDENTIALS_FILE when set (<paramref name="isExplicit"/> = true),
        /// else <c>&lt;home&gt;/.huaweicloud/credentials</c>; null when neither is known.
        /// </summary>
        public static string Locate(Func<string, string> getVariable, string homeDirectory, out bool isExplicit)
        {
            string configured = getVariable(PathVariable);
            if (!string.IsNullOrWhiteSpace(configured))
            {
                isExplicit = true;
                return configured.Trim();
            }

            isExplicit = false;
            return string.IsNullOrEmpty(homeDirectory) ? null : Path.Combine(homeDirectory, ".huaweicloud", "credentials");
        }

        /// <summary>
        /// Reads the credential from the file. Returns null when the default file does not exist. A file named by
        /// HUAWEICLOUD_SDK_CREDENTIALS_FILE that does not exist, a malformed file, a file without [global], or a
        /// [global] section without ak or sk is an error. On Unix, a file that its group or other users may read
        /// or write gets one warning per file and process (as ssh and the AWS CLI warn).
        /// </summary>
        /// <param name="getVariable">Reads an environment variable.</param>
        /// <param name="homeDirectory">The user's home directory.</param>
        /// <param name="readFile">Returns the text of a file, or null when it does not exist.</param>
        /// <param name="warn">Receives the permission warning, or null.</param>
        /// <param name="unixMode">Returns a file's Unix permission bits, or null where there are none (null = <see cref="UnixMode"/>).</param>
        /// <exception cref="CdnConfigurationException">The file exists (or was named) but cannot be used.</exception>
        public static CdnCredential Load(Func<string, string> getVariable, string homeDirectory, Func<string, string> readFile, Action<string> warn = null, Func<string, int?> unixMode = null)
        {
            string path = Locate(getVariable, homeDirectory, out bool isExplicit);
            if (path == null)
            {
                return null;
            }

            string text;
            try
            {
                text = readFile(path);
            }
            catch (Exception ex) when (ex is IOException || ex is UnauthorizedAccessException || ex is NotSupportedException || ex is ArgumentException)
            {
                throw new CdnConfigurationException($"The credentials file '{path}' cannot be read: {ex.Message}", path, ex);
            }

            if (text == null)
            {
                if (isExplicit)
                {
                    throw new CdnConfigurationException($"{PathVariable} names the credentials file '{path}', which does not exist.", path);
                }

                return null;
            }

            if (warn != null)
            {
                string warning = PermissionWarning(path, (unixMode ?? UnixMode)(path));
                if (warning != null && s_permissionWarned.TryAdd(Path.GetFullPath(path), true))
                {
                    warn(warning);
                }
            }

            return FromText(text, path);
        }

        /// <summary>The warning for a credentials file that group or others may read or write, or null.</summary>
        /// <param name="path">The file.</param>
        /// <param name="mode">Its Unix permission bits, or null (Windows, or unknown).</param>
        public static string PermissionWarning(string path, int? mode)
        {
            const int GroupOrOther = 0x3F; // rwx for group (0070) and others (0007)
            if (!mode.HasValue || (mode.Value & GroupOrOther) == 0)
            {
                return null;
            }

            string octal = Convert.ToString(mode.Value & 0xFFF, 8).PadLeft(4, '0');
            return $"The credentials file '{path}' can be read or changed by other users (mode {octal}); it holds your secret key. Restrict it to yourself: chmod 600 '{path}'.";
        }

        /// <summary>
        /// The Unix permission bits of a file, or null on Windows or where the runtime cannot tell. Read through
        /// File.GetUnixFileMode (.NET 7 and later, so PowerShell 7.4+); netstandard2.0 has no API for it.
        /// </summary>
        public static int? UnixMode(string path)
        {
            if (Path.DirectorySeparatorChar == '\\')
            {
                return null;
            }

            MethodInfo method = typeof(File).GetMethod("GetUnixFileMode", new[] { typeof(string) });
            if (method == null)
            {
                return null;
            }

            try
            {
                return Convert.ToInt32(method.Invoke(null, new object[] { path }), CultureInfo.InvariantCulture);
            }
            catch (TargetInvocationException)
            {
                return null;
            }
        }

        /// <summary>Forgets which files were warned about (tests).</summary>
        internal static void ResetPermissionWarnings() => s_permissionWarned.Clear();

        /// <summary>Reads the [global] credential from the text of a credentials file.</summary>
        /// <exception cref="CdnConfigurationException">The text is malformed or has no usable [global] section.</exception>
        public static CdnCredential FromText(string text, string path)
        {
            IniDocument document = IniDocument.Parse(text, path);
            IReadOnlyDictionary<string, string> global = document.Section(GlobalSection);
            if (global == null)
            {
                bool hasBasic = document.Section("basic") != null;
                string otherCase = document.SectionNames.FirstOrDefault(n => string.Equals(n, GlobalSection, StringComparison.OrdinalIgnoreCase));
                throw new CdnConfigurationException(
                    $"The credentials file '{path}' has no [global] section. CDN is a global service and reads only [global] "
                    + "(keys ak, sk, and optionally security_token and domain_id)"
                    + (otherCase != null ? $"; [{otherCase}] is there, but section names are case-sensitive (as in the Huawei SDKs): write [global]." : string.Empty)
                    + (hasBasic && otherCase == null ? "; the [basic] section is for regional services and is not used for CDN." : string.Empty)
                    + (hasBasic || otherCase != null ? string.Empty : "."),
                    path);
            }

            string ak = Value(global, "ak");
            string sk = Value(global, "sk");
            if (ak == null || sk == null)
            {
                string missing = ak == null && sk == null ? "'ak' and 'sk'" : (ak == null ? "'ak'" : "'sk'");
                throw new CdnConfigurationException($"The [global] section of the credentials file '{path}' has no {missing} (or an empty value).", path);
            }

            try
            {
                return new CdnCredential(
                    ak,
                    CdnCredential.ToSecureString(sk),
                    CdnCredential.ToSecureString(Value(global, "security_token")),
                    Value(global, "domain_id"),
                    CredentialSources.File,
                    path,
                    CredentialSources.File);
            }
            catch (CdnCredentialException ex)
            {
                string key = KeyOf(ex.Field);
                throw new CdnConfigurationException(
                    string.Format(CultureInfo.InvariantCulture, "The credentials file '{0}' is not usable: line {1}: '{2}' in [global] {3}.", path, document.LineOf(GlobalSection, key), key, ex.Reason),
                    path,
                    ex);
            }
        }

        /// <summary>Reads a file as text (UTF-8, BOM-aware), or null when it does not exist.</summary>
        public static string ReadFileOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

        private static string KeyOf(CredentialField? field)
        {
            switch (field)
            {
                case CredentialField.AccessKey:
                    return "ak";
                case CredentialField.SecretKey:
                    return "sk";
                case CredentialField.SecurityToken:
                    return "security_token";
                default:
                    return "domain_id";
            }
        }

        // An empty value is no value (as in the SDKs, where an empty ak or sk counts as missing).
        private static string Value(IReadOnlyDictionary<string, string> section, string key) =>
            section.TryGetValue(key, out string value) && value.Length > 0 ? value : null;
    }
}
