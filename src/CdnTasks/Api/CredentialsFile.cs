// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

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
    /// The sections and keys of an INI file, as the Huawei Cloud SDKs write their credentials file. Section and
    /// key names are case-insensitive; values are kept as written (trimmed).
    /// </summary>
    internal sealed class IniDocument
    {
        private readonly Dictionary<string, Dictionary<string, string>> _sections =
            new Dictionary<string, Dictionary<string, string>>(StringComparer.OrdinalIgnoreCase);

        /// <summary>Gets the section names in the file.</summary>
        public IEnumerable<string> SectionNames => _sections.Keys;

        /// <summary>Gets the keys and values of a section, or null when the file has no such section.</summary>
        public IReadOnlyDictionary<string, string> Section(string name) =>
            _sections.TryGetValue(name, out Dictionary<string, string> section) ? section : null;

        /// <summary>
        /// Parses INI text: <c>[section]</c> lines, <c>key = value</c> (or <c>key: value</c>) lines, comments starting
        /// with '#' or ';', blank lines; a UTF-8 byte-order mark is ignored. Errors name the line number and the
        /// problem but never repeat the line, which may hold a secret.
        /// </summary>
        /// <exception cref="CdnConfigurationException">The text is not a valid INI file.</exception>
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
            Dictionary<string, string> current = null;
            string currentName = null;
            var sectionLines = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            for (int i = 0; i < lines.Length; i++)
            {
                int number = i + 1;
                string line = lines[i].Trim();
                if (line.Length == 0 || line[0] == '#' || line[0] == ';')
                {
                    continue;
                }

                if (line[0] == '[')
                {
                    if (line[line.Length - 1] != ']')
                    {
                        throw Malformed(path, number, "a section header must end with ']'");
                    }

                    string name = line.Substring(1, line.Length - 2).Trim();
                    if (name.Length == 0)
                    {
                        throw Malformed(path, number, "the section name is empty");
                    }

                    if (sectionLines.TryGetValue(name, out int first))
                    {
                        throw Malformed(path, number, string.Format(CultureInfo.InvariantCulture, "section [{0}] appears again (first on line {1})", name, first));
                    }

                    sectionLines[name] = number;
                    current = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
                    currentName = name;
                    document._sections[name] = current;
                    continue;
                }

                int separator = IndexOfSeparator(line);
                if (separator < 0)
                {
                    throw Malformed(path, number, "expected 'key = value', a [section] header or a comment starting with '#' or ';'");
                }

                string key = line.Substring(0, separator).Trim();
                string value = line.Substring(separator + 1).Trim();
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

                current[key] = value;
            }

            return document;
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
        private static string SafeKey(string key) => key.Length <= 32 && key.IndexOf(' ') < 0 ? key : "(a long key)";

        private static CdnConfigurationException Malformed(string path, int line, string problem) =>
            new CdnConfigurationException(
                string.Format(CultureInfo.InvariantCulture, "The credentials file '{0}' is not a valid INI file: line {1}: {2}.", path, line, problem),
                path);
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
        /// [global] section without ak or sk is an error.
        /// </summary>
        /// <param name="getVariable">Reads an environment variable.</param>
        /// <param name="homeDirectory">The user's home directory.</param>
        /// <param name="readFile">Returns the text of a file, or null when it does not exist.</param>
        /// <exception cref="CdnConfigurationException">The file exists (or was named) but cannot be used.</exception>
        public static CdnCredential Load(Func<string, string> getVariable, string homeDirectory, Func<string, string> readFile)
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

            return FromText(text, path);
        }

        /// <summary>Reads the [global] credential from the text of a credentials file.</summary>
        /// <exception cref="CdnConfigurationException">The text is malformed or has no usable [global] section.</exception>
        public static CdnCredential FromText(string text, string path)
        {
            IniDocument document = IniDocument.Parse(text, path);
            IReadOnlyDictionary<string, string> global = document.Section(GlobalSection);
            if (global == null)
            {
                bool hasBasic = document.Section("basic") != null;
                throw new CdnConfigurationException(
                    $"The credentials file '{path}' has no [global] section. CDN is a global service and reads only [global] "
                    + "(keys ak, sk, and optionally security_token and domain_id)"
                    + (hasBasic ? "; the [basic] section is for regional services and is not used for CDN." : "."),
                    path);
            }

            string ak = Value(global, "ak");
            string sk = Value(global, "sk");
            if (ak == null || sk == null)
            {
                string missing = ak == null && sk == null ? "'ak' and 'sk'" : (ak == null ? "'ak'" : "'sk'");
                throw new CdnConfigurationException($"The [global] section of the credentials file '{path}' has no {missing} (or an empty value).", path);
            }

            return new CdnCredential(
                ak,
                CdnCredential.ToSecureString(sk),
                CdnCredential.ToSecureString(Value(global, "security_token")),
                Value(global, "domain_id"),
                CredentialSources.File,
                path,
                CredentialSources.File);
        }

        /// <summary>Reads a file as text (UTF-8, BOM-aware), or null when it does not exist.</summary>
        public static string ReadFileOrNull(string path) => File.Exists(path) ? File.ReadAllText(path) : null;

        private static string Value(IReadOnlyDictionary<string, string> section, string key) =>
            section.TryGetValue(key, out string value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;
    }
}
