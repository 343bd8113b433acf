import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { TokenAuthorizer } from 'aws-cdk-lib/aws-apigateway';
import { AccountRecovery, type IUserPool, UserPool, type UserPoolClient } from 'aws-cdk-lib/aws-cognito';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { type ISecret, Secret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import type { LanternEnvironment } from '../../config/environment.ts';
import { functionTimeoutSeconds } from '../../config/function-timeouts.ts';
import { AUTHORIZER_RESULT_CACHE_SECONDS } from '../../config/identity.ts';
import { LanternFunction } from './lantern-function.ts';

/**
 * How a route group authenticates callers: an API key (server-to-server), a token (`jwt`: signed-in
 * users and visitors, no key in the browser), or `both` (the key names the application and its usage
 * plan, the token the person; sessions belong to the person).
 */
export type RouteAuth = 'api-key' | 'jwt' | 'both';

/** Where signed-in users' tokens come from. */
export type UserIdentitySource =
  /** A new Cognito user pool with an app client for the frontend. */
  | { readonly kind: 'cognito' }
  /** An existing Cognito user pool and the app clients whose tokens are accepted. */
  | { readonly kind: 'cognito'; readonly userPoolId: string; readonly clientIds: readonly string[] }
  /** Any OIDC issuer: its `iss` URL, the audiences its tokens must name, and its JWKS (default `<iss>/.well-known/jwks.json`). */
  | {
      readonly kind: 'oidc';
      readonly issuerUrl: string;
      readonly audience: readonly string[];
      readonly jwksUri?: string;
    };

/** Props of {@link UserAuthorizer}. */
export interface UserAuthorizerProps {
  /** Signed-in users. @default none: only visitor tokens, if those are on */
  readonly users?: UserIdentitySource;
  /** Lantern's own anonymous visitor tokens (`POST /v1/visitor-tokens`). @default false */
  readonly visitorTokens?: boolean;
  /** How long a visitor token lasts. @default one hour */
  readonly visitorTokenTtl?: Duration;
  /**
   * How long API Gateway keeps the authorizer's answer for a token. A token stays usable this long
   * past its expiry at most; each cached call saves an authorizer invocation. @default one minute
   */
  readonly resultsCacheTtl?: Duration;
  readonly logRetention?: RetentionDays;
}

/**
 * The API's Lambda authorizer for user and visitor tokens (REST APIs have no JWT authorizer of their
 * own): a TOKEN authorizer on `Authorization`, whose function verifies signatures against the
 * issuer's JWKS with aws-jwt-verify and passes issuer and subject to the handlers. Optionally creates a
 * Cognito user pool with a public app client (SRP sign-in, no secret: it runs in browsers) and the
 * secret visitor tokens are signed with.
 */
export class UserAuthorizer extends Construct {
  public readonly authorizer: TokenAuthorizer;
  public readonly function: LanternFunction;
  /** The user pool, when users come from Cognito. */
  public readonly userPool?: IUserPool;
  /** The app client created with a new user pool. */
  public readonly userPoolClient?: UserPoolClient;
  /** The secret visitor tokens' key is derived from, with `visitorTokens`. */
  public readonly visitorSecret?: ISecret;
  /** The identity variables (`config/environment.ts`, scope `identity`), which both functions get. */
  public readonly environment: LanternEnvironment;
  /** `POST /v1/visitor-tokens`, with `visitorTokens`: mints a visitor token for an API key holder. */
  public readonly visitorTokensFunction?: LanternFunction;

  constructor(scope: Construct, id: string, props: UserAuthorizerProps) {
    super(scope, id);
    if (!props.users && !props.visitorTokens) {
      throw new Error('UserAuthorizer needs users (Cognito or an OIDC issuer), visitor tokens, or both');
    }
    let users: LanternEnvironment = {};
    if (props.users?.kind === 'oidc') {
      users = {
        USER_TOKEN_ISSUER: props.users.issuerUrl,
        USER_TOKEN_AUDIENCE: props.users.audience.join(','),
        ...(props.users.jwksUri ? { USER_TOKEN_JWKS_URI: props.users.jwksUri } : {}),
      };
    } else if (props.users?.kind === 'cognito') {
      const existing = 'userPoolId' in props.users ? props.users : undefined;
      if (existing) {
        this.userPool = UserPool.fromUserPoolId(this, 'UserPool', existing.userPoolId);
      } else {
        const pool = new UserPool(this, 'UserPool', {
          selfSignUpEnabled: false,
          signInAliases: { email: true },
          autoVerify: { email: true },
          accountRecovery: AccountRecovery.EMAIL_ONLY,
          passwordPolicy: {
            minLength: 12,
            requireLowercase: true,
            requireUppercase: true,
            requireDigits: true,
            requireSymbols: true,
          },
        });
        this.userPool = pool;
        this.userPoolClient = pool.addClient('WebClient', {
          generateSecret: false,
          authFlows: { userSrp: true },
          preventUserExistenceErrors: true,
        });
        Validations.of(pool).acknowledge(
          {
            id: 'AwsSolutions-COG2',
            reason:
              "MFA is the operator's choice for a help-center audience: turn it on in the pool (or bring an existing pool by id) where the data warrants it.",
          },
          {
            id: 'AwsSolutions-COG3',
            reason:
              'Threat protection needs the Plus feature plan, billed per monthly active user; sign-up is closed (admins create users), which removes the sign-up abuse it mostly guards against.',
          },
          {
            id: 'AwsSolutions-COG8',
            reason:
              'The Plus feature plan is billed per monthly active user and only adds threat protection here; the Essentials plan covers sign-in. Operators who want it set it on the pool or bring their own.',
          },
        );
      }
      const clientIds = existing ? existing.clientIds : [this.userPoolClient?.userPoolClientId ?? ''];
      if (clientIds.length === 0 || clientIds.some((clientId) => !clientId)) {
        throw new Error('An existing user pool needs the app client ids whose tokens are accepted');
      }
      users = {
        COGNITO_USER_POOL_ID: this.userPool.userPoolId,
        COGNITO_CLIENT_IDS: clientIds.join(','),
        COGNITO_TOKEN_USE: 'id',
      };
    }

    let visitors: LanternEnvironment = {};
    if (props.visitorTokens) {
      const secret = new Secret(this, 'VisitorTokenSecret', {
        description: 'Lantern: the key anonymous visitor tokens are signed with is derived from this value',
        generateSecretString: { passwordLength: 64, excludePunctuation: true },
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotating the visitor-token secret ends every visitor session at once; rotate it by hand (a new value) when a leak is suspected, not on a schedule.',
      });
      this.visitorSecret = secret;
      visitors = {
        VISITOR_TOKEN_SECRET_ARN: secret.secretArn,
        VISITOR_TOKEN_TTL_SECONDS: String((props.visitorTokenTtl ?? Duration.hours(1)).toSeconds()),
      };
    }

    this.environment = { ...users, ...visitors };
    this.function = new LanternFunction(this, 'Function', {
      entry: 'functions/authorizer/handler.ts',
      description: 'API Gateway Lambda authorizer: verifies user and visitor tokens',
      memorySize: 512,
      timeout: Duration.seconds(functionTimeoutSeconds.authorizer),
      logRetention: props.logRetention,
      environment: this.environment,
    });
    this.visitorSecret?.grantRead(this.function);
    if (this.visitorSecret) {
      this.visitorTokensFunction = new LanternFunction(this, 'VisitorTokens', {
        entry: 'functions/visitor-tokens/handler.ts',
        description: 'POST /v1/visitor-tokens: a short-lived signed token for an anonymous visitor',
        memorySize: 512,
        timeout: Duration.seconds(functionTimeoutSeconds.visitorTokens),
        logRetention: props.logRetention,
        environment: this.environment,
      });
      this.visitorSecret.grantRead(this.visitorTokensFunction);
    }

    this.authorizer = new TokenAuthorizer(this, 'Authorizer', {
      handler: this.function,
      authorizerName: `${Stack.of(this).stackName}-user-tokens`,
      resultsCacheTtl: props.resultsCacheTtl ?? Duration.seconds(AUTHORIZER_RESULT_CACHE_SECONDS),
    });
  }
}
