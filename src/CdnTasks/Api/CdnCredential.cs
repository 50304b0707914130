// Copyright (c) CdnTasks contributors. MIT License.

using System;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Security;
using System.Text;

namespace CdnTasks.Api
{
    /// <summary>The values of a credential, for naming them in errors.</summary>
    public enum CredentialField
    {
        /// <summary>The access key (AK).</summary>
        AccessKey,

        /// <summary>The secret key (SK).</summary>
        SecretKey,

        /// <summary>The security token of temporary credentials.</summary>
        SecurityToken,

        /// <summary>The account (domain) id.</summary>
        DomainId,
    }

    /// <summary>
    /// A credential value that cannot be used (empty, blank, or holding a control character that would end up in a
    /// request header), or a credential given only in part. The message names the parameter, variable or file
    /// entry and the problem, never the value.
    /// </summary>
    public sealed class CdnCredentialException : ArgumentException
    {
        /// <summary>Creates the exception.</summary>
        public CdnCredentialException(string message, CredentialField? field = null, string reason = null)
            : base(message)
        {
            Field = field;
            Reason = reason;
        }

        /// <summary>Gets the value at fault, or null when the credential is incomplete as a whole.</summary>
        public CredentialField? Field { get; }

        /// <summary>Gets the problem, for example "contains a line break (CR or LF)".</summary>
        public string Reason { get; }

        /// <summary>The same problem, with the value named as the caller knows it (a parameter, a variable).</summary>
        public CdnCredentialException Named(Func<CredentialField, string> nameOf) =>
            Field.HasValue && nameOf != null ? new CdnCredentialException($"{nameOf(Field.Value)} {Reason}.", Field, Reason) : this;
    }

    /// <summary>
    /// An access key pair for SDK-HMAC-SHA256 signing. The secret key and the security token are kept as
    /// <see cref="SecureString"/>; they are turned into bytes only inside the signing call and the buffers are
    /// zeroed straight after. <see cref="ToString"/> never reveals them.
    /// </summary>
    public sealed class CdnCredential
    {
        /// <summary>Creates a credential. The secure strings are copied and made read-only.</summary>
        public CdnCredential(string accessKey, SecureString secretKey, SecureString securityToken, string domainId, string source)
            : this(accessKey, secretKey, securityToken, domainId, source, sourceDetail: null, domainIdSource: null)
        {
        }

        /// <summary>Creates a credential with the details of where it and its domain id came from.</summary>
        /// <param name="accessKey">The access key id (AK).</param>
        /// <param name="secretKey">The secret key (SK); copied and made read-only.</param>
        /// <param name="securityToken">The security token of temporary credentials, or null.</param>
        /// <param name="domainId">The account (domain) id, or null when unknown.</param>
        /// <param name="source">The kind of source: Parameter, Session, Environment or File.</param>
        /// <param name="sourceDetail">Which parameter, variable or file path supplied it.</param>
        /// <param name="domainIdSource">Where the domain id came from, or null.</param>
        /// <remarks>
        /// Every value is trimmed of surrounding whitespace (a secret read from a file or a variable often ends
        /// with a line break). What remains must not be empty and must not hold a control character; the values
        /// sent in headers (access key, security token, domain id) must be ASCII. This is the one place these
        /// rules live; a value that breaks them is a <see cref="CdnCredentialException"/>, before any request.
        /// </remarks>
        /// <exception cref="CdnCredentialException">A value cannot be used.</exception>
        public CdnCredential(string accessKey, SecureString secretKey, SecureString securityToken, string domainId, string source, string sourceDetail, string domainIdSource)
        {
            AccessKey = CheckPlain(accessKey, CredentialField.AccessKey, header: true);
            if (secretKey == null)
            {
                throw Problem(CredentialField.SecretKey, "is empty");
            }

            SecretKey = CheckSecure(secretKey, CredentialField.SecretKey, header: false);
            SecurityToken = securityToken == null || securityToken.Length == 0 ? null : CheckSecure(securityToken, CredentialField.SecurityToken, header: true);
            DomainId = domainId == null || domainId.Length == 0 ? null : CheckPlain(domainId, CredentialField.DomainId, header: true);
            Source = source ?? "unknown";
            SourceDetail = sourceDetail;
            DomainIdSource = DomainId == null ? null : (domainIdSource ?? Source);
        }

        /// <summary>Gets the access key id (AK). Not a secret, but shown masked to users.</summary>
        public string AccessKey { get; }

        /// <summary>Gets the secret key (SK).</summary>
        public SecureString SecretKey { get; }

        /// <summary>Gets the security token of temporary credentials, or null.</summary>
        public SecureString SecurityToken { get; }

        /// <summary>Gets the account (domain) id sent as X-Domain-Id, or null when unknown.</summary>
        public string DomainId { get; }

        /// <summary>Gets where the credential came from: Parameter, Session, Environment or File.</summary>
        public string Source { get; }

        /// <summary>Gets which parameter, environment variable or file (full path) supplied the credential, or null.</summary>
        public string SourceDetail { get; }

        /// <summary>Gets where the domain id came from (for example -DomainId, Session, HUAWEICLOUD_SDK_DOMAIN_ID, File, Discovered), or null.</summary>
        public string DomainIdSource { get; }

        /// <summary>Gets the access key with all but the first and last four characters masked.</summary>
        public string MaskedAccessKey => Mask(AccessKey);

        /// <summary>Masks a key: first and last four characters kept, the rest replaced by '*'.</summary>
        public static string Mask(string key)
        {
            if (string.IsNullOrEmpty(key))
            {
                return string.Empty;
            }

            if (key.Length <= 8)
            {
                return new string('*', key.Length);
            }

            return key.Substring(0, 4) + new string('*', key.Length - 8) + key.Substring(key.Length - 4);
        }

        /// <summary>Makes a read-only secure string from plain text (for values read from the environment or a file).</summary>
        public static SecureString ToSecureString(string value)
        {
            if (value == null)
            {
                return null;
            }

            var secure = new SecureString();
            foreach (char c in value)
            {
                secure.AppendChar(c);
            }

            secure.MakeReadOnly();
            return secure;
        }

        /// <summary>Returns a copy of this credential with another domain id.</summary>
        public CdnCredential WithDomainId(string domainId) => WithDomainId(domainId, null);

        /// <summary>Returns a copy of this credential with another domain id and the place it came from.</summary>
        public CdnCredential WithDomainId(string domainId, string domainIdSource) =>
            new CdnCredential(AccessKey, SecretKey, SecurityToken, domainId, Source, SourceDetail, domainIdSource);

        /// <inheritdoc/>
        public override string ToString() => $"{MaskedAccessKey} ({Source})";

        /// <summary>The secret key as UTF-8 bytes. The caller must zero the array when done.</summary>
        internal byte[] GetSecretKeyUtf8() => ToUtf8(SecretKey);

        /// <summary>The security token as plain text, for the X-Security-Token header only.</summary>
        internal string GetSecurityTokenPlain()
        {
            if (SecurityToken == null)
            {
                return null;
            }

            byte[] bytes = ToUtf8(SecurityToken);
            try
            {
                return Encoding.UTF8.GetString(bytes);
            }
            finally
            {
                Array.Clear(bytes, 0, bytes.Length);
            }
        }

        private const string EmptyProblem = "is empty (or only whitespace)";

        // What is wrong with one character of a (trimmed) credential value, or null.
        private static string ProblemWith(char c, bool header)
        {
            if (c == '\r' || c == '\n')
            {
                return "contains a line break (CR or LF)" + (header ? ", which would end the request header" : string.Empty);
            }

            if (char.IsControl(c))
            {
                return string.Format(CultureInfo.InvariantCulture, "contains the control character U+{0:X4}", (int)c);
            }

            return header && c > 0x7E ? "contains a non-ASCII character, which an HTTP header cannot carry" : null;
        }

        private static CdnCredentialException Problem(CredentialField field, string reason) =>
            new CdnCredentialException($"The {Describe(field)} {reason}.", field, reason);

        private static string Describe(CredentialField field)
        {
            switch (field)
            {
                case CredentialField.AccessKey:
                    return "access key";
                case CredentialField.SecretKey:
                    return "secret key";
                case CredentialField.SecurityToken:
                    return "security token";
                default:
                    return "domain id";
            }
        }

        private static string CheckPlain(string value, CredentialField field, bool header)
        {
            string trimmed = (value ?? string.Empty).Trim();
            string problem = trimmed.Length == 0 ? EmptyProblem : null;
            for (int i = 0; i < trimmed.Length && problem == null; i++)
            {
                problem = ProblemWith(trimmed[i], header);
            }

            if (problem != null)
            {
                throw Problem(field, problem);
            }

            return trimmed;
        }

        // Trims and checks a secure string without making a string of it; returns a read-only copy.
        private static SecureString CheckSecure(SecureString value, CredentialField field, bool header)
        {
            char[] chars = ToChars(value);
            try
            {
                int start = 0;
                int end = chars.Length;
                while (start < end && char.IsWhiteSpace(chars[start]))
                {
                    start++;
                }

                while (end > start && char.IsWhiteSpace(chars[end - 1]))
                {
                    end--;
                }

                string problem = end == start ? EmptyProblem : null;
                for (int i = start; i < end && problem == null; i++)
                {
                    problem = ProblemWith(chars[i], header);
                }

                if (problem != null)
                {
                    throw Problem(field, problem);
                }

                if (start == 0 && end == chars.Length)
                {
                    SecureString copy = value.Copy();
                    copy.MakeReadOnly();
                    return copy;
                }

                var trimmed = new SecureString();
                for (int i = start; i < end; i++)
                {
                    trimmed.AppendChar(chars[i]);
                }

                trimmed.MakeReadOnly();
                return trimmed;
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
        }

        private static byte[] ToUtf8(SecureString value)
        {
            char[] chars = ToChars(value);
            try
            {
                return Encoding.UTF8.GetBytes(chars);
            }
            finally
            {
                Array.Clear(chars, 0, chars.Length);
            }
        }

        /// <summary>The characters of a secure string; the unmanaged copy is zeroed at once, the caller must clear the array.</summary>
        internal static char[] ToChars(SecureString value)
        {
            IntPtr ptr = IntPtr.Zero;
            var chars = new char[value.Length];
            try
            {
                ptr = Marshal.SecureStringToGlobalAllocUnicode(value);
                Marshal.Copy(ptr, chars, 0, chars.Length);
                return chars;
            }
            finally
            {
                if (ptr != IntPtr.Zero)
                {
                    Marshal.ZeroFreeGlobalAllocUnicode(ptr);
                }
            }
        }
    }
}
