import { init } from '../../src/sdk/index.ts';
import { buildChatService } from './chat-service.ts';
import { configFromEnv } from './config-from-env.ts';

// `MLFLOW_TRACKING_URI=http://127.0.0.1:5000 MLFLOW_EXPERIMENT_ID=1 npx tsx examples/chat-service/main.ts`
const config = configFromEnv();
init(); // reads MLFLOW_TRACKING_URI / MLFLOW_EXPERIMENT_ID
const app = await buildChatService(config.service);
const address = await app.listen(config.listen);
console.log(`chat-service listening on ${address}`);
