// Copyright (c) CdnTasks contributors. MIT License.

using System.Globalization;
using System.Text;
using CdnTasks.Api.Signing;
using Xunit;

namespace CdnTasks.Tests.Signing
{
    /// <summary>
    /// Tests for <see cref="SdkSigner"/>: every SDK-HMAC-SHA256 vector of spec §3.8 and §3.9, byte for byte, plus argument
    /// handling and culture independence. The signed header set of each vector follows the SDK rules of spec §3.2.
    /// </summary>
    public class SdkSignerTests
    {
        /// <summary>SHA-256 of the empty string, lower-case hex.</summary>
        private const string EmptySha256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

        /// <summary>§3.9 common access key.</summary>
        private const string CdnAk = "HPUAEXAMPLEAK1234567";

        /// <summary>§3.9 common secret key.</summary>
        private const string CdnSk = "ExampleSecretKey0123456789abcdefghijklmn";

        /// <summary>§3.9 common X-Sdk-Date.</summary>
        private const string CdnDate = "20231115T081500Z";

        /// <summary>§3.9 common X-Domain-Id.</summary>
        private const string CdnDomainId = "0123456789abcdef0123456789abcdef";

        /// <summary>§3.9 common Host.</summary>
        private const string CdnHost = "cdn.myhuaweicloud.com";

        /// <summary>§3.9 C1/C3 path.</summary>
        private const string UrlTasksPath = "/v1.0/cdn/contentgateway/url-tasks";

        /// <summary>§3.8 V0/NET path of the GET vectors.</summary>
        private const string VpcsPath = "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs";

        /// <summary>§3.8 V0/NET query.</summary>
        private static readonly KeyValuePair<string, string>[] VpcsQuery =
        {
            P("limit", "2"),
            P("marker", "13551d6b-755d-4757-b956-536f674975c0"),
        };

        /// <summary>
        /// The SDK test vectors of §3.8 (SHA-256 only). Each lists exactly the headers the SDK signs:
        /// NET signs all request headers except content-type and names containing '_' (so TEST_UNDERSCORE is not signed) and adds host
        /// without port; PY signs all headers except names containing '_' and adds host (the tests set no content-type);
        /// GO signs like NET but never adds host, and excludes content-type, so only x-sdk-date is signed.
        /// </summary>
        private static readonly Dictionary<string, Vector> SdkVectors = new Dictionary<string, Vector>
        {
            ["NET GET"] = new Vector(
                "GET", VpcsPath, VpcsQuery,
                new[] { P("Host", "service.region.example.com"), P("X-Sdk-Date", "20191115T033655Z") },
                string.Empty, "AccessKey", "SecretKey",
                "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=fd95e7da6f695cfb4cabbb9d6b0968aec155bc576b064835282473539ae9ea1d"),
            ["NET POST"] = new Vector(
                "POST", "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpc/123", Array.Empty<KeyValuePair<string, string>>(),
                new[] { P("Host", "service.region.example.com"), P("X-Sdk-Date", "20191115T033655Z") },
                "{\"key\":\"value\"}", "AccessKey", "SecretKey",
                "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=b5649aa774f6cac7437631662f08815fc65c70e40e486df6db2436ce68902771"),
            ["PY GET"] = new Vector(
                "GET", "/resources", new[] { P("size", "1") },
                new[] { P("Host", "service.endpoint.myhuaweicloud.com"), P("X-Sdk-Date", "20200608T023900Z") },
                string.Empty, "AccessKey", "SecretKey",
                "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=cfb4171acec81de07d50e53d57eb77edd537414d66ddb1d7d780f128e12cd842"),
            ["PY POST"] = new Vector(
                "POST", "/resources", new[] { P("size", "1") },
                new[] { P("Host", "service.endpoint.myhuaweicloud.com"), P("X-Sdk-Date", "20200608T023900Z") },
                "{\"name\":\"test\",\"id\":1}", "AccessKey", "SecretKey",
                "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=host;x-sdk-date, Signature=436b1ac0a1ae03705934bb70ef2f2e09f7bfed2117d731a38235053199323a1f"),
            ["GO GET"] = new Vector(
                "GET", "/path", new[] { P("limit", "1") },
                new[] { P("X-Sdk-Date", "20060102T150405Z") },
                string.Empty, "AccessKey", "SecretKey",
                "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=5a2ce64c865e0e6046321c6f3d5a77ba8413eeaf355c3166c03d58d02ac79624"),
            ["GO POST"] = new Vector(
                "POST", "/path", new[] { P("key", "value") },
                new[] { P("X-Sdk-Date", "20060102T150405Z") },
                "{\"Name\":\"test\",\"Id\":1}\n", "AccessKey", "SecretKey",
                "SDK-HMAC-SHA256 Access=AccessKey, SignedHeaders=x-sdk-date, Signature=cecc2af119b18ab70b4d094c0750f3b42c02f254903179a0fc2cc72fc9db4f59"),
        };

        /// <summary>Shorthand for a header or query pair.</summary>
        /// <param name="name">Name.</param>
        /// <param name="value">Value.</param>
        /// <returns>The pair.</returns>
        private static KeyValuePair<string, string> P(string name, string value) => new KeyValuePair<string, string>(name, value);

        /// <summary>Body hash of a UTF-8 string through <see cref="SdkSigner.HashHex"/>.</summary>
        /// <param name="body">The body text.</param>
        /// <returns>Lower-case hex SHA-256.</returns>
        private static string BodyHash(string body)
        {
            byte[] bytes = Encoding.UTF8.GetBytes(body);
            return SdkSigner.HashHex(bytes, 0, bytes.Length);
        }

        /// <summary>Signs with the secret key given as a string.</summary>
        /// <param name="method">HTTP method.</param>
        /// <param name="path">Path.</param>
        /// <param name="query">Unencoded query parameters.</param>
        /// <param name="headers">Signed headers.</param>
        /// <param name="body">Body text.</param>
        /// <param name="ak">Access key.</param>
        /// <param name="sk">Secret key.</param>
        /// <returns>The Authorization header value.</returns>
        private static string SignString(string method, string path, IEnumerable<KeyValuePair<string, string>> query, IEnumerable<KeyValuePair<string, string>> headers, string body, string ak, string sk)
        {
            byte[] key = Encoding.UTF8.GetBytes(sk);
            try
            {
                return SdkSigner.Sign(method, path, SdkEncoding.CanonicalQuery(query), headers, BodyHash(body), ak, key);
            }
            finally
            {
                Array.Clear(key, 0, key.Length);
            }
        }

        /// <summary>V0 (official signing-guide example): the canonical request text, header by header.</summary>
        [Fact]
        public void V0_OfficialExample_CanonicalRequest()
        {
            string cr = SdkSigner.BuildCanonicalRequest(
                "GET", VpcsPath, SdkEncoding.CanonicalQuery(VpcsQuery), V0Headers(), SdkSigner.HashHex(Array.Empty<byte>(), 0, 0), out string names);

            Assert.Equal("content-type;host;x-sdk-date", names);
            Assert.Equal(
                "GET\n" +
                "/v1/77b6a44cba5143ab91d13ab9a8ff44fd/vpcs/\n" +
                "limit=2&marker=13551d6b-755d-4757-b956-536f674975c0\n" +
                "content-type:application/json\n" +
                "host:service.region.example.com\n" +
                "x-sdk-date:20191115T033655Z\n" +
                "\n" +
                "content-type;host;x-sdk-date\n" +
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                cr);
        }

        /// <summary>V0: the string to sign.</summary>
        [Fact]
        public void V0_OfficialExample_StringToSign()
        {
            string cr = SdkSigner.BuildCanonicalRequest(
                "GET", VpcsPath, SdkEncoding.CanonicalQuery(VpcsQuery), V0Headers(), EmptySha256, out _);

            Assert.Equal(
                "SDK-HMAC-SHA256\n20191115T033655Z\nb25362e603ee30f4f25e7858e8a7160fd36e803bb2dfe206278659d71a9bcd7a",
                SdkSigner.BuildStringToSign("20191115T033655Z", cr));
        }

        /// <summary>V0: the Authorization header.</summary>
        [Fact]
        public void V0_OfficialExample_Authorization()
        {
            Assert.Equal(
                "SDK-HMAC-SHA256 Access=QTWAOYTTINDUT2QVKYUC, SignedHeaders=content-type;host;x-sdk-date, Signature=7be6668032f70418fcc22abc52071e57aff61b84a1d2381bb430d6870f4f6ebe",
                SignString("GET", VpcsPath, VpcsQuery, V0Headers(), string.Empty, "QTWAOYTTINDUT2QVKYUC", "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc"));
        }

        /// <summary>NET, PY and GO SDK test vectors (§3.8, SHA-256 ones): the Authorization header.</summary>
        /// <param name="name">Vector name.</param>
        [Theory]
        [InlineData("NET GET")]
        [InlineData("NET POST")]
        [InlineData("PY GET")]
        [InlineData("PY POST")]
        [InlineData("GO GET")]
        [InlineData("GO POST")]
        public void SdkVector_Authorization(string name)
        {
            Vector v = SdkVectors[name];
            Assert.Equal(v.Authorization, SignString(v.Method, v.Path, v.Query, v.Headers, v.Body, v.Ak, v.Sk));
        }

        /// <summary>C1 (ShowUrlTaskInfo, NET/GO-style set): the canonical request exactly as printed.</summary>
        [Fact]
        public void C1_CanonicalRequest()
        {
            string cr = SdkSigner.BuildCanonicalRequest("GET", UrlTasksPath, SdkEncoding.CanonicalQuery(C1Query()), CdnHeaders(), EmptySha256, out string names);

            Assert.Equal("host;x-domain-id;x-sdk-date", names);
            Assert.Equal(
                "GET\n" +
                "/v1.0/cdn/contentgateway/url-tasks/\n" +
                "end_time=1700092800000&limit=100&offset=0&start_time=1700006400000&status=succeed&task_type=REFRESH&url=https%3A%2F%2Fwww.example.com%2Fa%20b%2F%E4%B8%AD.png\n" +
                "host:cdn.myhuaweicloud.com\n" +
                "x-domain-id:0123456789abcdef0123456789abcdef\n" +
                "x-sdk-date:20231115T081500Z\n" +
                "\n" +
                "host;x-domain-id;x-sdk-date\n" +
                "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                cr);
        }

        /// <summary>C1: the string to sign (its hash line is the "StringToSign hash" printed in §3.9).</summary>
        [Fact]
        public void C1_StringToSign()
        {
            string cr = SdkSigner.BuildCanonicalRequest("GET", UrlTasksPath, SdkEncoding.CanonicalQuery(C1Query()), CdnHeaders(), EmptySha256, out _);

            Assert.Equal(
                "SDK-HMAC-SHA256\n20231115T081500Z\n011bccdf146edf711e81d281ad39ab75e82bc0b22729981f9710caf8ef233834",
                SdkSigner.BuildStringToSign(CdnDate, cr));
        }

        /// <summary>C1: the Authorization header.</summary>
        [Fact]
        public void C1_Authorization()
        {
            Assert.Equal(
                "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK1234567, SignedHeaders=host;x-domain-id;x-sdk-date, Signature=56bdd79d1aee633c637d996c31fcab6ee4fa7cda23a2bcfd828a2bbc358874df",
                SignString("GET", UrlTasksPath, C1Query(), CdnHeaders(), string.Empty, CdnAk, CdnSk));
        }

        /// <summary>C2 (CreateRefreshTasks): the body hash of the exact body bytes.</summary>
        [Fact]
        public void C2_BodyHash()
        {
            Assert.Equal("1ab2ed25e6f842dc1fdc7ab6e33efd24b1c1e299a4b1b17df001094a74f8fe79", BodyHash(C2Body));
        }

        /// <summary>C2: canonical request and string to sign as printed.</summary>
        [Fact]
        public void C2_CanonicalRequestAndStringToSign()
        {
            string cr = SdkSigner.BuildCanonicalRequest(
                "POST", "/v1.0/cdn/content/refresh-tasks", SdkEncoding.CanonicalQuery(new[] { P("enterprise_project_id", "0") }), CdnHeaders(), BodyHash(C2Body), out string names);

            Assert.Equal("host;x-domain-id;x-sdk-date", names);
            Assert.Equal(
                "POST\n" +
                "/v1.0/cdn/content/refresh-tasks/\n" +
                "enterprise_project_id=0\n" +
                "host:cdn.myhuaweicloud.com\n" +
                "x-domain-id:0123456789abcdef0123456789abcdef\n" +
                "x-sdk-date:20231115T081500Z\n" +
                "\n" +
                "host;x-domain-id;x-sdk-date\n" +
                "1ab2ed25e6f842dc1fdc7ab6e33efd24b1c1e299a4b1b17df001094a74f8fe79",
                cr);
            Assert.Equal(
                "SDK-HMAC-SHA256\n20231115T081500Z\nf5b0fa8be01f1d9edc6433bf6268d76617e6792c1e51204c48149c9f290cb608",
                SdkSigner.BuildStringToSign(CdnDate, cr));
        }

        /// <summary>C2: the Authorization header (Content-Type is sent but not signed).</summary>
        [Fact]
        public void C2_Authorization()
        {
            Assert.Equal(
                "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK1234567, SignedHeaders=host;x-domain-id;x-sdk-date, Signature=2c9c236959a771d28ba703912d1dfee63b5982c304ebc98381ae9ef2a11c38d1",
                SignString("POST", "/v1.0/cdn/content/refresh-tasks", new[] { P("enterprise_project_id", "0") }, CdnHeaders(), C2Body, CdnAk, CdnSk));
        }

        /// <summary>C3 (PY-style, all headers incl. content-type, user-agent and x-security-token): canonical headers and string to sign.</summary>
        [Fact]
        public void C3_CanonicalHeadersAndStringToSign()
        {
            string cr = SdkSigner.BuildCanonicalRequest("GET", UrlTasksPath, SdkEncoding.CanonicalQuery(C3Query()), C3Headers(), EmptySha256, out string names);

            Assert.Equal("content-type;host;user-agent;x-domain-id;x-sdk-date;x-security-token", names);
            Assert.Contains(
                "\ncontent-type:application/json\n" +
                "host:cdn.myhuaweicloud.com\n" +
                "user-agent:huaweicloud-usdk-python/3.0\n" +
                "x-domain-id:0123456789abcdef0123456789abcdef\n" +
                "x-sdk-date:20231115T081500Z\n" +
                "x-security-token:tok-EXAMPLE\n" +
                "\n",
                cr);
            Assert.StartsWith("GET\n/v1.0/cdn/contentgateway/url-tasks/\nlimit=10&offset=0\ncontent-type:", cr);
            Assert.Equal(
                "SDK-HMAC-SHA256\n20231115T081500Z\nea8a07ba344b228618a064b1f236e53483b3bb764f4425708da4c37dffdfcf12",
                SdkSigner.BuildStringToSign(CdnDate, cr));
        }

        /// <summary>C3: the Authorization header.</summary>
        [Fact]
        public void C3_Authorization()
        {
            Assert.Equal(
                "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK1234567, SignedHeaders=content-type;host;user-agent;x-domain-id;x-sdk-date;x-security-token, Signature=d308073811afa66da0d3749d1ba28b226d80c866782151b4922d3fc8a977fa73",
                SignString("GET", UrlTasksPath, C3Query(), C3Headers(), string.Empty, CdnAk, CdnSk));
        }

        /// <summary>Header names in any case and order, values with surrounding whitespace, and a lower-case method give the C1 signature.</summary>
        [Fact]
        public void Sign_NormalizesHeaderCaseWhitespaceOrderAndMethod()
        {
            var headers = new[]
            {
                P("X-SDK-DATE", " " + CdnDate + "\t"),
                P("x-domain-id", CdnDomainId + "  "),
                P("HOST", "  " + CdnHost),
            };

            Assert.Equal(
                "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK1234567, SignedHeaders=host;x-domain-id;x-sdk-date, Signature=56bdd79d1aee633c637d996c31fcab6ee4fa7cda23a2bcfd828a2bbc358874df",
                SignString("get", UrlTasksPath, C1Query(), headers, string.Empty, CdnAk, CdnSk));
        }

        /// <summary>Sign requires X-Sdk-Date among the signed headers.</summary>
        [Fact]
        public void Sign_WithoutXSdkDate_Throws()
        {
            byte[] key = Encoding.UTF8.GetBytes(CdnSk);
            var noDate = new[] { P("Host", CdnHost), P("X-Domain-Id", CdnDomainId) };
            var underscoreDate = new[] { P("X_Sdk_Date", CdnDate) };
            var emptyDate = new[] { P("X-Sdk-Date", "  ") };

            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, noDate, EmptySha256, CdnAk, key));
            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, Array.Empty<KeyValuePair<string, string>>(), EmptySha256, CdnAk, key));
            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, underscoreDate, EmptySha256, CdnAk, key));
            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, emptyDate, EmptySha256, CdnAk, key));
        }

        /// <summary>Invalid arguments are rejected: a repeated header name (in any case), null header value, missing keys, method or body hash.</summary>
        [Fact]
        public void Sign_InvalidArguments_Throw()
        {
            byte[] key = Encoding.UTF8.GetBytes(CdnSk);
            var dup = new[] { P("X-Sdk-Date", CdnDate), P("host", "a"), P("Host", "b") };
            var nullValue = new[] { P("X-Sdk-Date", CdnDate), P("Host", null) };
            var ok = CdnHeaders();

            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, dup, EmptySha256, CdnAk, key));
            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, nullValue, EmptySha256, CdnAk, key));
            Assert.ThrowsAny<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, null, EmptySha256, CdnAk, key));
            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, ok, EmptySha256, string.Empty, key));
            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, ok, EmptySha256, CdnAk, null));
            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, ok, EmptySha256, CdnAk, Array.Empty<byte>()));
            Assert.Throws<ArgumentException>(() => SdkSigner.Sign(string.Empty, "/", string.Empty, ok, EmptySha256, CdnAk, key));
            Assert.Throws<ArgumentException>(() => SdkSigner.Sign("GET", "/", string.Empty, ok, null, CdnAk, key));
        }

        /// <summary>Sign leaves the caller's key bytes unchanged (the caller owns and zeroes them).</summary>
        [Fact]
        public void Sign_DoesNotModifyKey()
        {
            byte[] key = Encoding.UTF8.GetBytes(CdnSk);
            SdkSigner.Sign("GET", UrlTasksPath, string.Empty, CdnHeaders(), EmptySha256, CdnAk, key);
            Assert.Equal(Encoding.UTF8.GetBytes(CdnSk), key);
        }

        /// <summary>Signing from many threads at once (per-thread hasher) gives the same result every time.</summary>
        [Fact]
        public void Sign_IsThreadSafe()
        {
            const string expected = "SDK-HMAC-SHA256 Access=HPUAEXAMPLEAK1234567, SignedHeaders=host;x-domain-id;x-sdk-date, Signature=2c9c236959a771d28ba703912d1dfee63b5982c304ebc98381ae9ef2a11c38d1";
            var results = new string[2000];
            Parallel.For(0, results.Length, i =>
                results[i] = SignString("POST", "/v1.0/cdn/content/refresh-tasks", new[] { P("enterprise_project_id", "0") }, CdnHeaders(), C2Body, CdnAk, CdnSk));
            Assert.All(results, r => Assert.Equal(expected, r));
        }

        /// <summary>HashHex: empty input (also null with count 0), a known vector, and a sub-range.</summary>
        [Fact]
        public void HashHex_KnownValuesAndRange()
        {
            Assert.Equal(EmptySha256, SdkSigner.HashHex(Array.Empty<byte>(), 0, 0));
            Assert.Equal(EmptySha256, SdkSigner.HashHex(null, 0, 0));
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SdkSigner.HashHex(Encoding.ASCII.GetBytes("abc"), 0, 3));
            Assert.Equal("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SdkSigner.HashHex(Encoding.ASCII.GetBytes("xxabcyy"), 2, 3));
            Assert.Equal(EmptySha256, SdkSigner.HashHex(new byte[4], 4, 0));
        }

        /// <summary>HashHex rejects ranges outside the array and a null array with a non-zero count.</summary>
        [Fact]
        public void HashHex_BadRange_Throws()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => SdkSigner.HashHex(new byte[3], 1, 3));
            Assert.Throws<ArgumentOutOfRangeException>(() => SdkSigner.HashHex(new byte[3], -1, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => SdkSigner.HashHex(new byte[3], 0, -1));
            Assert.Throws<ArgumentNullException>(() => SdkSigner.HashHex(null, 0, 1));
        }

        /// <summary>BuildCanonicalRequest with no query and an empty path still has the empty query line and "/".</summary>
        [Fact]
        public void BuildCanonicalRequest_EmptyPathAndQuery()
        {
            string cr = SdkSigner.BuildCanonicalRequest("GET", string.Empty, string.Empty, new[] { P("X-Sdk-Date", CdnDate) }, EmptySha256, out string names);
            Assert.Equal("x-sdk-date", names);
            Assert.Equal("GET\n/\n\nx-sdk-date:20231115T081500Z\n\nx-sdk-date\n" + EmptySha256, cr);
        }

        /// <summary>FormatSdkDate renders a UTC time as yyyyMMdd'T'HHmmss'Z'.</summary>
        [Fact]
        public void FormatSdkDate_Utc()
        {
            Assert.Equal("20231115T081500Z", SdkSigner.FormatSdkDate(new DateTime(2023, 11, 15, 8, 15, 0, DateTimeKind.Utc)));
            Assert.Equal("00010101T000000Z", SdkSigner.FormatSdkDate(new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
            Assert.Equal("99991231T235959Z", SdkSigner.FormatSdkDate(new DateTime(9999, 12, 31, 23, 59, 59, 999, DateTimeKind.Utc)));
            Assert.Equal("20060102T150405Z", SdkSigner.FormatSdkDate(new DateTime(2006, 1, 2, 15, 4, 5, DateTimeKind.Unspecified)));
        }

        /// <summary>A local-kind time is converted to UTC before formatting.</summary>
        [Fact]
        public void FormatSdkDate_LocalKind_IsConvertedToUtc()
        {
            var utc = new DateTime(2023, 11, 15, 8, 15, 0, DateTimeKind.Utc);
            Assert.Equal("20231115T081500Z", SdkSigner.FormatSdkDate(utc.ToLocalTime()));
        }

        /// <summary>Non-Gregorian current cultures (Thai Buddhist, Umm al-Qura, Persian) do not change the Gregorian ASCII output.</summary>
        /// <param name="cultureName">Culture set as current (and UI) culture during the call.</param>
        [Theory]
        [InlineData("th-TH")]
        [InlineData("ar-SA")]
        [InlineData("fa-IR")]
        public void FormatSdkDate_IgnoresCurrentCulture(string cultureName)
        {
            CultureInfo savedCulture = CultureInfo.CurrentCulture;
            CultureInfo savedUiCulture = CultureInfo.CurrentUICulture;
            try
            {
                var culture = new CultureInfo(cultureName);
                CultureInfo.CurrentCulture = culture;
                CultureInfo.CurrentUICulture = culture;
                var utc = new DateTime(2023, 11, 15, 8, 15, 0, DateTimeKind.Utc);

                // The premise: this culture would not render 2023 with its own calendar.
#pragma warning disable CA1305 // the point: the current culture's own rendering
                Assert.NotEqual("2023", utc.ToString("yyyy"));
#pragma warning restore CA1305
                Assert.Equal("20231115T081500Z", SdkSigner.FormatSdkDate(utc));
            }
            finally
            {
                CultureInfo.CurrentCulture = savedCulture;
                CultureInfo.CurrentUICulture = savedUiCulture;
            }
        }

        /// <summary>V0 signed headers: the doc example signs content-type, host and x-sdk-date.</summary>
        /// <returns>The headers.</returns>
        private static KeyValuePair<string, string>[] V0Headers() => new[]
        {
            P("Content-Type", "application/json"),
            P("Host", "service.region.example.com"),
            P("X-Sdk-Date", "20191115T033655Z"),
        };

        /// <summary>§3.9 NET/GO-style signed set for C1 and C2: host, x-domain-id, x-sdk-date (content-type and user-agent not signed).</summary>
        /// <returns>The headers.</returns>
        private static KeyValuePair<string, string>[] CdnHeaders() => new[]
        {
            P("Host", CdnHost),
            P("X-Domain-Id", CdnDomainId),
            P("X-Sdk-Date", CdnDate),
        };

        /// <summary>§3.9 C3 PY-style signed set: every header, including content-type, user-agent and x-security-token.</summary>
        /// <returns>The headers.</returns>
        private static KeyValuePair<string, string>[] C3Headers() => new[]
        {
            P("Content-Type", "application/json"),
            P("Host", CdnHost),
            P("User-Agent", "huaweicloud-usdk-python/3.0"),
            P("X-Domain-Id", CdnDomainId),
            P("X-Sdk-Date", CdnDate),
            P("X-Security-Token", "tok-EXAMPLE"),
        };

        /// <summary>§3.9 C1 query parameters, unencoded, in the order listed.</summary>
        /// <returns>The parameters.</returns>
        private static KeyValuePair<string, string>[] C1Query() => new[]
        {
            P("start_time", "1700006400000"),
            P("end_time", "1700092800000"),
            P("offset", "0"),
            P("limit", "100"),
            P("task_type", "REFRESH"),
            P("status", "succeed"),
            P("url", "https://www.example.com/a b/中.png"),
        };

        /// <summary>§3.9 C3 query parameters.</summary>
        /// <returns>The parameters.</returns>
        private static KeyValuePair<string, string>[] C3Query() => new[] { P("limit", "10"), P("offset", "0") };

        /// <summary>§3.9 C2 body, exactly these bytes (UTF-8, no trailing newline).</summary>
        private const string C2Body = "{\"refresh_task\":{\"type\":\"directory\",\"mode\":\"all\",\"urls\":[\"https://www.example.com/img/\"]}}";

        /// <summary>One signing test vector.</summary>
        private sealed class Vector
        {
            /// <summary>Creates a vector.</summary>
            /// <param name="method">HTTP method.</param>
            /// <param name="path">Path.</param>
            /// <param name="query">Unencoded query parameters.</param>
            /// <param name="headers">Exactly the signed headers.</param>
            /// <param name="body">Body text (UTF-8).</param>
            /// <param name="ak">Access key.</param>
            /// <param name="sk">Secret key.</param>
            /// <param name="authorization">Expected Authorization header.</param>
            public Vector(string method, string path, KeyValuePair<string, string>[] query, KeyValuePair<string, string>[] headers, string body, string ak, string sk, string authorization)
            {
                Method = method;
                Path = path;
                Query = query;
                Headers = headers;
                Body = body;
                Ak = ak;
                Sk = sk;
                Authorization = authorization;
            }

            /// <summary>HTTP method.</summary>
            public string Method { get; }

            /// <summary>Path.</summary>
            public string Path { get; }

            /// <summary>Unencoded query parameters.</summary>
            public KeyValuePair<string, string>[] Query { get; }

            /// <summary>Exactly the signed headers.</summary>
            public KeyValuePair<string, string>[] Headers { get; }

            /// <summary>Body text.</summary>
            public string Body { get; }

            /// <summary>Access key.</summary>
            public string Ak { get; }

            /// <summary>Secret key.</summary>
            public string Sk { get; }

            /// <summary>Expected Authorization header.</summary>
            public string Authorization { get; }
        }
    }
}
