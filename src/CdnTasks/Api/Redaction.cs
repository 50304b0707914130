// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Collections.Generic;
using System.Security;
using System.Text;
using System.Text.RegularExpressions;

namespace CdnTasks.Api
{
    /// <summary>
    /// The secrets of one command (secret key, security token, proxy password), for <see cref="Redaction.Scrub"/>.
    /// The secure strings are only decoded, into a zeroed buffer, while a message is searched for them.
    /// </summary>
    internal sealed class SecretSet
    {
        /// <summary>Secrets shorter than this are not searched for (they would match innocent text).</summary>
        public const int MinimumLength = 4;

        /// <summary>An empty set (patterns only).</summary>
        public static readonly SecretSet None = new SecretSet(Array.Empty<SecureString>(), Array.Empty<string>());

        private readonly IReadOnlyList<SecureString> _secure;
        private readonly IReadOnlyList<string> _plain;

        private SecretSet(IReadOnlyList<SecureString> secure, IReadOnlyList<string> plain)
        {
            _secure = secure;
            _plain = plain;
        }

        /// <summary>Gets a value indicating whether the set holds no value to search for.</summary>
        public bool IsEmpty => _secure.Count == 0 && _plain.Count == 0;

        /// <summary>Builds a set; nulls and values shorter than <see cref="MinimumLength"/> are left out.</summary>
        public static SecretSet Of(IEnumerable<SecureString> secure, IEnumerable<string> plain)
        {
            var secureList = new List<SecureString>();
            var plainList = new List<string>();
            foreach (SecureString value in secure ?? Array.Empty<SecureString>())
            {
                if (value != null && value.Length >= MinimumLength)
                {
                    secureList.Add(value);
                }
            }

            foreach (string value in plain ?? Array.Empty<string>())
            {
                if (value != null && value.Length >= MinimumLength)
                {
                    plainList.Add(value);

                    // A password inside a URL is written percent-encoded; an echo may keep that form.
                    string escaped = Uri.EscapeDataString(value);
                    if (escaped != value)
                    {
                        plainList.Add(escaped);
                    }
                }
            }

            return secureList.Count == 0 && plainList.Count == 0 ? None : new SecretSet(secureList, plainList);
        }

        /// <summary>The secrets of a credential and of the proxy settings in force.</summary>
        public static SecretSet Of(CdnCredential credential, CdnSettings settings) =>
            Of(new[] { credential?.SecretKey, credential?.SecurityToken }, new[] { settings?.ProxyCredential?.Password });

        /// <summary>This set and another one.</summary>
        public SecretSet With(SecretSet other)
        {
            if (other == null || other.IsEmpty)
            {
                return this;
            }

            if (IsEmpty)
            {
                return other;
            }

            var secure = new List<SecureString>(_secure);
            secure.AddRange(other._secure);
            var plain = new List<string>(_plain);
            plain.AddRange(other._plain);
            return new SecretSet(secure, plain);
        }

        /// <summary>Replaces every occurrence of every secret in the text with the redaction mark.</summary>
        internal string ReplaceIn(string text)
        {
            foreach (string secret in _plain)
            {
                if (text.IndexOf(secret, StringComparison.Ordinal) >= 0)
                {
                    text = text.Replace(secret, Redaction.Mark);
                }
            }

            foreach (SecureString secret in _secure)
            {
                if (secret.Length > text.Length)
                {
                    continue;
                }

                char[] chars = CdnCredential.ToChars(secret);
                try
                {
                    text = ReplaceAll(text, chars);
                }
                finally
                {
                    Array.Clear(chars, 0, chars.Length);
                }
            }

            return text;
        }

        private static string ReplaceAll(string text, char[] secret)
        {
            StringBuilder builder = null;
            int copied = 0;
            for (int i = 0; i + secret.Length <= text.Length; i++)
            {
                int j = 0;
                while (j < secret.Length && text[i + j] == secret[j])
                {
                    j++;
                }

                if (j == secret.Length)
                {
                    builder = builder ?? new StringBuilder(text.Length);
                    builder.Append(text, copied, i - copied).Append(Redaction.Mark);
                    i += secret.Length - 1;
                    copied = i + 1;
                }
            }

            return builder == null ? text : builder.Append(text, copied, text.Length - copied).ToString();
        }
    }

    /// <summary>
    /// THE redaction of the module: every message, error, verbose, debug and warning line passes through
    /// <see cref="Scrub"/> before a user, a log or a transcript can see it (the transport applies it to the
    /// errors it builds and to its log; <c>CdnCmdlet</c> to everything it writes; the config cmdlets to their
    /// messages). It removes, whatever the source of the text (our own messages, a service or proxy error body
    /// that echoes the request, a .NET exception message):
    /// the secret key, the security token and the proxy password of the command wherever they appear (known
    /// values); and, by pattern, the value of any X-Security-Token / security_token field, any SDK-HMAC-SHA256
    /// signature, any Basic/Bearer/Digest (Proxy-)Authorization value, and the password in a URL's user info.
    /// </summary>
    internal static class Redaction
    {
        /// <summary>What replaces a secret.</summary>
        public const string Mark = "<redacted>";

        private const RegexOptions Options = RegexOptions.IgnoreCase | RegexOptions.CultureInvariant;

        // scheme://user:password@  -> scheme://user:<redacted>@
        private static readonly Regex s_userInfo = new Regex(@"(\b[a-z][a-z0-9+.\-]*://[^/@\s:]*:)[^/@\s]+(@)", Options);

        // Signature=<hex> (the Authorization header of SDK-HMAC-SHA256, or an echo of it in any form)
        private static readonly Regex s_signature = new Regex(@"(\bsignature[""']?\s*[:=]\s*[""']?)[0-9a-f]{16,}", Options);

        // X-Security-Token: value, "x-security-token":"value", security_token = value, securityToken=value
        private static readonly Regex s_token = new Regex(@"(\b(?:x-security-token|security_token|securitytoken)[""']?\s*[:=]\s*[""']?)(?!<redacted>)[^\s""',;&<>}\]]+", Options);

        // Authorization / Proxy-Authorization with a credential scheme (an echo of proxy credentials)
        private static readonly Regex s_authorization = new Regex(@"(\b(?:proxy-)?authorization[""']?\s*[:=]\s*[""']?(?:basic|bearer|digest|negotiate|ntlm)\s+)[^\s""',;<>}\]]+", Options);

        private static readonly string[] s_triggers = { "://", "signature", "token", "authorization" };

        /// <summary>Removes every secret from a message. Null stays null.</summary>
        /// <param name="text">The message.</param>
        /// <param name="secrets">The known secrets of the command, or null for the patterns only.</param>
        public static string Scrub(string text, SecretSet secrets = null)
        {
            if (string.IsNullOrEmpty(text))
            {
                return text;
            }

            if (secrets != null && !secrets.IsEmpty)
            {
                text = secrets.ReplaceIn(text);
            }

            if (!MayMatch(text))
            {
                return text;
            }

            text = s_userInfo.Replace(text, "$1" + Mark + "$2");
            text = s_signature.Replace(text, "$1" + Mark);
            text = s_token.Replace(text, "$1" + Mark);
            text = s_authorization.Replace(text, "$1" + Mark);
            return text;
        }

        /// <summary>
        /// What the debug log may show of a request header: the Authorization header keeps only the masked access
        /// key, X-Security-Token and Proxy-Authorization nothing; other headers go through <see cref="Scrub"/>.
        /// </summary>
        public static string Header(string name, string value)
        {
            if (string.Equals(name, "Authorization", StringComparison.OrdinalIgnoreCase))
            {
                int access = value.IndexOf("Access=", StringComparison.Ordinal);
                int comma = access >= 0 ? value.IndexOf(',', access) : -1;
                string ak = access >= 0 && comma > access ? value.Substring(access + 7, comma - access - 7) : string.Empty;
                return $"SDK-HMAC-SHA256 Access={CdnCredential.Mask(ak)}, SignedHeaders=..., Signature={Mark}";
            }

            if (string.Equals(name, "X-Security-Token", StringComparison.OrdinalIgnoreCase) || string.Equals(name, "Proxy-Authorization", StringComparison.OrdinalIgnoreCase))
            {
                return Mark;
            }

            return Scrub(value);
        }

        /// <summary>A URI for display: without user info (the password is never shown; the user name is shown separately).</summary>
        public static string WithoutUserInfo(Uri uri)
        {
            if (uri == null)
            {
                return null;
            }

            if (string.IsNullOrEmpty(uri.UserInfo))
            {
                return uri.GetLeftPart(UriPartial.Authority);
            }

            var builder = new UriBuilder(uri) { UserName = string.Empty, Password = string.Empty };
            return builder.Uri.GetLeftPart(UriPartial.Authority);
        }

        private static bool MayMatch(string text)
        {
            foreach (string trigger in s_triggers)
            {
                if (text.IndexOf(trigger, StringComparison.OrdinalIgnoreCase) >= 0)
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>A log that scrubs every message (<see cref="Redaction.Scrub"/>) before passing it on.</summary>
    internal sealed class RedactingLog : ICdnLog
    {
        private readonly ICdnLog _inner;
        private readonly Func<SecretSet> _secrets;

        public RedactingLog(ICdnLog inner, Func<SecretSet> secrets)
        {
            _inner = inner ?? NullCdnLog.Instance;
            _secrets = secrets ?? (() => SecretSet.None);
        }

        /// <inheritdoc/>
        public bool IsVerboseEnabled => _inner.IsVerboseEnabled;

        /// <inheritdoc/>
        public bool IsDebugEnabled => _inner.IsDebugEnabled;

        /// <inheritdoc/>
        public void Verbose(string message) => _inner.Verbose(Redaction.Scrub(message, _secrets()));

        /// <inheritdoc/>
        public void Debug(string message) => _inner.Debug(Redaction.Scrub(message, _secrets()));

        /// <inheritdoc/>
        public void Warning(string message) => _inner.Warning(Redaction.Scrub(message, _secrets()));
    }
}
