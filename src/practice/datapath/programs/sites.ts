// What the world's web servers answer on the first hop, like the real sites (status, key headers, a short body).

export interface HttpResponse {
	status: number;
	reason: string;
	headers: Array<[string, string]>;
	body: string;
}

const GOOGLE_301 = `<HTML><HEAD><meta http-equiv="content-type" content="text/html;charset=utf-8">
<TITLE>301 Moved</TITLE></HEAD><BODY>
<H1>301 Moved</H1>
The document has moved
<A HREF="https://www.google.com/">here</A>.
</BODY></HTML>
`;

const EXAMPLE_BODY = `<!doctype html>
<html>
<head>
    <title>Example Domain</title>
</head>
<body>
<div>
    <h1>Example Domain</h1>
    <p>This domain is for use in illustrative examples in documents. You may use this
    domain in literature without prior coordination or asking for permission.</p>
    <p><a href="https://www.iana.org/domains/example">More information...</a></p>
</div>
</body>
</html>
`;

const NGINX_BODY = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>
</body>
</html>
`;

function redirect(location: string, server: string, body = ''): HttpResponse {
	return {status: 301, reason: 'Moved Permanently', headers: [['location', location], ['content-type', 'text/html; charset=UTF-8'], ['server', server], ['content-length', String(body.length)]], body};
}

function ok(contentType: string, body: string, extra: Array<[string, string]> = []): HttpResponse {
	return {status: 200, reason: 'OK', headers: [['content-type', contentType], ...extra, ['content-length', String(body.length)]], body};
}

/** The response of `host` (canonical, no trailing dot) to GET / over http or https. */
export function siteResponse(host: string, scheme: 'http' | 'https', path: string): HttpResponse {
	const name = host.replace(/\.$/, '').toLowerCase();
	if (scheme === 'http' && name === 'google.com') return redirect(`http://www.google.com${path}`, 'gws', GOOGLE_301.replace('https://', 'http://'));
	if (scheme === 'http' && name !== 'example.com' && name !== 'www.example.com' && name !== 'www.google.com' && !/^\d+\.\d+\.\d+\.\d+$/.test(name)) {
		return redirect(`https://${name}${path}`, 'nginx', `<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n<center><h1>301 Moved Permanently</h1></center>\r\n</body>\r\n</html>\r\n`);
	}
	switch (name) {
		case 'google.com':
			return redirect(`https://www.google.com${path}`, 'gws', GOOGLE_301);
		case 'www.google.com':
			return ok('text/html; charset=ISO-8859-1', '<!doctype html><html itemscope="" itemtype="http://schema.org/WebPage" lang="ko"><head><title>Google</title></head><body></body></html>\n', [['server', 'gws']]);
		case 'github.com':
			return ok('text/html; charset=utf-8', '<!DOCTYPE html>\n<html lang="en"><head><title>GitHub · Build and ship software on a single, collaborative platform · GitHub</title></head><body></body></html>\n', [['server', 'github.com']]);
		case 'api.github.com':
			return ok('application/json; charset=utf-8', '{\n  "current_user_url": "https://api.github.com/user",\n  "repository_url": "https://api.github.com/repos/{owner}/{repo}"\n}\n', [['server', 'github.com']]);
		case 'naver.com':
			return {...redirect(`https://www.naver.com${path}`, 'nfront'), status: 302, reason: 'Found'};
		case 'example.com':
		case 'www.example.com':
			return ok('text/html', EXAMPLE_BODY);
		default:
			return ok('text/html', `<html><head><title>${name}</title></head><body><h1>${name}</h1></body></html>\n`, [['server', 'nginx']]);
	}
}

/** What a web server running in a pod answers (nginx's welcome page, or a plain echo). */
export function podResponse(image: string): HttpResponse {
	if (/nginx/.test(image)) return ok('text/html', NGINX_BODY, [['server', 'nginx/1.27.3']]);
	return ok('text/plain', 'ok\n');
}
