/**
 * The credential shapes of the issue "Breadth" that keyhound used to miss, planted in
 * realistic files of a real repository and scanned as a user scans it: each must be found
 * by the rule meant for it; publishable keys and documented test keys must not fail the scan.
 * (Fake values only, built here: no key-shaped literal sits in this file.)
 */
import { describe, expect, it } from 'vitest';
import { initRepo, tempDir, writeTree } from './helpers/cli.js';
import { fakeKeys, randomSource } from './helpers/keys.js';
import { run } from './helpers/run.js';

const keys = fakeKeys(31);
const random = randomSource(31);
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const base64 = (text: string) => Buffer.from(text).toString('base64');

interface Finding { file: string; line: number; ruleId: string; informative?: true }
interface Report { findings: Finding[] }

async function scan(files: Record<string, string>): Promise<{ code: number; findings: Finding[] }> {
  const dir = tempDir();
  initRepo(dir);
  writeTree(dir, files);
  const { code, stdout } = await run(['scan', '--format', 'json'], { cwd: dir });
  return { code, findings: (JSON.parse(stdout) as Report).findings };
}

const found = (findings: Finding[]) => findings.map((f) => `${f.file}:${f.line} ${f.ruleId}${f.informative ? ' (note)' : ''}`);

describe('credential shapes missed before', () => {
  it('finds Authorization: Basic credentials in code, configs, manifests and logs, and curl -u passwords', async () => {
    const basic = base64('deploy:Autumn2019x!');
    const { code, findings } = await scan({
      'src/client.py': `import requests\nheaders = {"Authorization": "Basic ${basic}"}\n`,
      'deploy/nginx.conf': `location /api/ {\n    proxy_set_header Authorization "Basic ${basic}";\n}\n`,
      'k8s/deploy.yaml': `env:\n  - name: UPSTREAM_AUTH\n    value: "Basic ${basic}"\n`,
      'logs/access.log': `2024-03-01T10:00:01Z GET /v1/orders 200 Authorization: Basic ${basic} ua=curl/8.0\n`,
      'deploy.sh': 'curl -u deploy:Falcon#42x https://nexus.acme-shop.io/repository/releases/ -T app.jar\n',
    });
    expect(code).toBe(1);
    expect(found(findings)).toEqual([
      'deploy.sh:1 http-client-password-option',
      'deploy/nginx.conf:2 http-basic-auth-header',
      'k8s/deploy.yaml:3 http-basic-auth-header',
      'logs/access.log:1 http-basic-auth-header',
      'src/client.py:2 http-basic-auth-header',
    ]);
  });

  it('finds ADO.NET, ODBC and JDBC connection-string passwords, and database and broker URIs of every scheme variant', async () => {
    const { findings } = await scan({
      'Web.config': '<add name="Shop" connectionString="Server=tcp:sql01.acme-shop.io,1433;Database=shop;User ID=shopapp;Password=Autumn2019;Encrypt=True" />\n',
      'odbc.ini': 'ConnStr=Driver={ODBC Driver 18 for SQL Server};Server=sql01;Database=shop;Uid=shopapp;Pwd=Falcon#42x;\n',
      'jdbc.properties': 'db.url=jdbc:sqlserver://sql01.acme-shop.io:1433;databaseName=shop;user=shopapp;password=Winter2020!\nora.url=jdbc:oracle:thin:shop/Tiger2021x@//ora01.acme-shop.io:1521/ORCL\n',
      'settings.py': [
        'SQLALCHEMY_DATABASE_URI = "postgresql+psycopg2://shop:Pa%24%24w0rd%21x@pg01.acme-shop.io/shop"',
        'DB2 = "mysql2://shop:Spring2022x@mysql01.acme-shop.io/shop"',
        'CELERY_BROKER_URL = "amqps://celery:R4bb1t%40MQ77@mq.acme-shop.io:5671/prod"',
        'CACHE = "rediss://default:Kx9%2Fq2Lm7Vt@cache.acme-shop.io:6380/0"',
        'MONGO = "mongodb+srv://app:Autumn2019@cluster0.a1b2c.mongodb.net/prod?retryWrites=true"',
        '',
      ].join('\n'),
    });
    expect(found(findings)).toEqual([
      'Web.config:1 connection-string-password',
      'jdbc.properties:1 database-url-query-password',
      'jdbc.properties:2 oracle-connect-string-password',
      'odbc.ini:1 connection-string-password',
      'settings.py:1 database-url-password',
      'settings.py:2 database-url-password',
      'settings.py:3 broker-url-password',
      'settings.py:4 broker-url-password',
      'settings.py:5 database-url-password',
    ]);
  });

  it('finds a secret passed as a call argument or a parameter default, and human-strength passwords under password names', async () => {
    const { findings } = await scan({
      'src/storage.py': `import boto\ns3 = boto.connect_s3("${keys.awsKeyId}", "${keys.awsSecret}")\n`,
      'src/mail.py': 'def send(to, password="Autumn2019"):\n    smtp.login("alerts@acme-shop.io", "Falcon#42x")\n',
      'config/app.yaml': 'database:\n  user: shop\n  password: Autumn2019\n',
      'config/app.json': '{"db": {"password": "Summer2018x"}}\n',
    });
    expect(found(findings)).toEqual([
      'config/app.json:1 generic-weak-password',
      'config/app.yaml:3 generic-weak-password',
      'src/mail.py:1 generic-weak-password',
      'src/mail.py:2 generic-credential-call-argument',
      'src/storage.py:2 aws-secret-access-key-beside-key-id',
    ]);
  });

  it('finds a Discord bot token with no "discord" beside it and an Atlassian token of any length', async () => {
    // A Discord bot token starts with the base64 of the bot's user id (a snowflake).
    const discord = `${Buffer.from('1050449358203677827').toString('base64url')}.G${random(ALNUM, 5)}.${random(ALNUM, 38)}`;
    const atlassian = `ATA${'TT3'}xFfGF0${random(ALNUM, 140)}=${random('0123456789ABCDEF', 8)}`;
    const { findings } = await scan({
      'bot/config.json': `{ "token": "${discord}", "prefix": "!" }\n`,
      'scripts/jira.py': `JIRA_TOKEN = "${atlassian}"\n`,
    });
    expect(found(findings)).toEqual(['bot/config.json:1 discord-bot-token', 'scripts/jira.py:1 atlassian-api-token']);
  });
});

describe('publishable keys and documented test keys', () => {
  it('are notes or nothing, so the scan does not fail', async () => {
    const firebaseKey = `AI${'za'}Sy${random(ALNUM, 33)}`;
    const { code, findings } = await scan({
      'web/app.js': [
        'const firebaseConfig = {',
        `  apiKey: "${firebaseKey}",`,
        '  authDomain: "acme-shop.firebaseapp.com",',
        '};',
        `const stripe = Stripe("pk_${'live'}_${random(ALNUM, 24)}");`,
        '',
      ].join('\n'),
      '.env': [
        `ALGOLIA_SEARCH_KEY=${random('0123456789abcdef', 32)}`,
        `SENTRY_DSN=https://${random('0123456789abcdef', 32)}@o909766.ingest.sentry.io/3188654`,
        `MAPBOX_TOKEN=pk.eyJ1IjoiYWNtZS1tYXBzIiwiYSI6I${random(ALNUM, 30)}.${random(ALNUM, 22)}`,
        // Google's documented reCAPTCHA test secret: every verification with it passes.
        `RECAPTCHA_SECRET_KEY=6LeIxAcTAAAAAGG-vFI1TnRWxMZNFuojJ4WifJWe`,
        '',
      ].join('\n'),
    });
    expect(code).toBe(0);
    expect(found(findings)).toEqual([
      '.env:1 algolia-search-api-key (note)',
      '.env:2 sentry-dsn (note)',
      '.env:3 mapbox-public-token (note)',
      'web/app.js:2 firebase-web-api-key (note)',
      'web/app.js:5 stripe-publishable-key (note)',
    ]);
  });
});
