// The fixed vocabulary of the demo chat assistant ("Acme Cloud" support bot): what users ask, which
// tools answer it, and what they say when they rate the answer. Kept apart from the generator so the
// generator reads as the rules (rollout, error rates, latency) and this file as the content.

export interface Topic {
  category: QueryCategory;
  question: string;
  /** Follow-up questions in the same session. */
  followUps: readonly string[];
  answer: string;
  tool?: { name: string; args: Record<string, string>; result: Record<string, unknown> };
  docs: readonly { id: string; title: string }[];
}

export type QueryCategory = 'billing' | 'orders' | 'technical' | 'account' | 'product_info' | 'smalltalk';

export const CATEGORY_WEIGHTS: readonly (readonly [QueryCategory, number])[] = [
  ['technical', 30],
  ['billing', 20],
  ['orders', 18],
  ['account', 14],
  ['product_info', 12],
  ['smalltalk', 6],
];

export const TOPICS: readonly Topic[] = [
  {
    category: 'billing',
    question: 'Why was I charged twice this month?',
    followUps: ['Can you refund the duplicate charge?', 'When will the refund show up?', 'Which card was charged?'],
    answer:
      'I can see two charges of $49.00 on March 3. The second one is a pending authorization that will drop off within 3–5 business days; no refund is needed.',
    tool: {
      name: 'get_invoices',
      args: { account: '{account}' },
      result: {
        invoices: [
          { id: 'inv_8812', amount: 49, status: 'paid' },
          { id: 'inv_8813', amount: 49, status: 'pending' },
        ],
      },
    },
    docs: [{ id: 'kb-billing-014', title: 'Duplicate charges and pending authorizations' }],
  },
  {
    category: 'billing',
    question: 'How do I switch from monthly to annual billing?',
    followUps: ['Do I get a discount for annual?', 'Is the switch prorated?'],
    answer:
      'Open Settings → Billing → Plan and choose "Annual". The remaining days of your monthly plan are prorated and the annual plan saves 17%.',
    docs: [
      { id: 'kb-billing-002', title: 'Changing your billing cycle' },
      { id: 'kb-billing-007', title: 'Proration rules' },
    ],
  },
  {
    category: 'billing',
    question: 'Can I get a copy of my last invoice as PDF?',
    followUps: ['Can you add our VAT number to it?'],
    answer:
      'Your latest invoice (inv_8812) is available under Billing → Invoices; use the download icon for a PDF. VAT numbers can be added under Billing → Tax details.',
    tool: {
      name: 'get_invoices',
      args: { account: '{account}', limit: '1' },
      result: { invoices: [{ id: 'inv_8812', amount: 49, pdf: true }] },
    },
    docs: [{ id: 'kb-billing-010', title: 'Downloading invoices' }],
  },
  {
    category: 'orders',
    question: 'Where is my order #{order}?',
    followUps: ['Can I change the delivery address?', 'Can you expedite it?', 'What carrier is it with?'],
    answer: 'Order #{order} shipped yesterday with UPS (tracking 1Z999AA10123456784) and is expected on Thursday.',
    tool: {
      name: 'lookup_order',
      args: { order_id: '{order}' },
      result: { status: 'shipped', carrier: 'UPS', eta: 'Thursday' },
    },
    docs: [{ id: 'kb-orders-001', title: 'Tracking your shipment' }],
  },
  {
    category: 'orders',
    question: 'I want to return the keyboard I bought last week.',
    followUps: ['Do I pay for return shipping?', 'How long does the refund take?'],
    answer:
      'I created return RMA-5521 for your keyboard. A prepaid label has been emailed to you; refunds are issued 5 days after we receive the item.',
    tool: {
      name: 'create_return',
      args: { order_id: '{order}', item: 'keyboard' },
      result: { rma: 'RMA-5521', label_sent: true },
    },
    docs: [{ id: 'kb-orders-011', title: 'Return policy' }],
  },
  {
    category: 'technical',
    question: 'My deployment fails with "ImagePullBackOff". What does that mean?',
    followUps: [
      'How do I add registry credentials?',
      'It still fails after adding the secret.',
      'Can you check the cluster events?',
    ],
    answer:
      'ImagePullBackOff means the node could not pull the container image. Check the image name and tag, and make sure the registry secret is referenced in imagePullSecrets.',
    tool: {
      name: 'get_cluster_events',
      args: { cluster: 'prod-1', reason: 'Failed' },
      result: { events: [{ reason: 'ErrImagePull', message: 'pull access denied for acme/api' }] },
    },
    docs: [
      { id: 'kb-tech-101', title: 'Troubleshooting image pulls' },
      { id: 'kb-tech-102', title: 'Private registries' },
    ],
  },
  {
    category: 'technical',
    question: 'How do I rotate my API key without downtime?',
    followUps: ['Can both keys be active at once?', 'How long does the old key keep working?'],
    answer:
      'Create a second key, roll it out to your services, then revoke the old key. Both keys are valid at the same time until you revoke one.',
    docs: [{ id: 'kb-tech-040', title: 'API key rotation' }],
  },
  {
    category: 'technical',
    question: 'The dashboard shows 502 errors since this morning.',
    followUps: ['Is there an incident?', 'Which region is affected?', 'When will it be fixed?'],
    answer:
      'There is an open incident (INC-2231) affecting the load balancer in one region since 08:12 UTC. Engineers are rolling out a fix; follow status.acme.example for updates.',
    tool: { name: 'get_status', args: { service: 'dashboard' }, result: { incident: 'INC-2231', state: 'identified' } },
    docs: [{ id: 'kb-tech-007', title: 'Understanding 5xx errors' }],
  },
  {
    category: 'technical',
    question: 'How can I increase the memory limit of my function?',
    followUps: ['What is the maximum?', 'Does it cost more?'],
    answer:
      'Set `memory: 1024` in function.yaml, or use `acme fn update --memory 1024`. The maximum is 8 GB; billing is per GB-second.',
    docs: [{ id: 'kb-tech-055', title: 'Function limits' }],
  },
  {
    category: 'account',
    question: 'How do I add a teammate to my workspace?',
    followUps: ['Can I make them an admin?', 'Do extra seats cost more?'],
    answer:
      'Go to Settings → Members → Invite and enter their email. You can choose the Admin or Member role; each extra seat is billed from the next cycle.',
    docs: [{ id: 'kb-account-003', title: 'Inviting members' }],
  },
  {
    category: 'account',
    question: 'I lost access to my 2FA device.',
    followUps: ['I do not have the recovery codes either.', 'How long does verification take?'],
    answer:
      'Use one of your recovery codes on the sign-in page. Without codes, I opened identity verification ticket SUP-7781; our team replies within 24 hours.',
    tool: { name: 'create_ticket', args: { queue: 'identity', priority: 'high' }, result: { ticket: 'SUP-7781' } },
    docs: [{ id: 'kb-account-020', title: 'Two-factor recovery' }],
  },
  {
    category: 'product_info',
    question: 'What is the difference between the Pro and Enterprise plans?',
    followUps: ['Does Enterprise include SSO?', 'Is there a trial?'],
    answer:
      'Enterprise adds SSO/SAML, audit logs, a 99.95% SLA and a dedicated support manager. Pro includes everything else; both have a 14-day trial.',
    docs: [{ id: 'kb-product-001', title: 'Plans compared' }],
  },
  {
    category: 'product_info',
    question: 'Do you have a data center in Frankfurt?',
    followUps: ['Can I move my data there?'],
    answer:
      'Yes, eu-central (Frankfurt) is available on all paid plans. Existing projects can be migrated with the region move tool.',
    tool: {
      name: 'list_regions',
      args: {},
      result: { regions: ['us-east', 'us-west', 'eu-west', 'eu-central', 'ap-southeast'] },
    },
    docs: [{ id: 'kb-product-012', title: 'Regions and data residency' }],
  },
  {
    category: 'smalltalk',
    question: 'Hi! Are you a bot?',
    followUps: ['Can I talk to a human?', 'Thanks!'],
    answer:
      "Hi! I'm Acme's virtual assistant. I can help with billing, orders, technical questions and your account, or hand you over to a person.",
    docs: [],
  },
];

export const UPVOTE_COMMENTS = [
  'Exactly what I needed, thanks!',
  'Quick and correct.',
  'Solved my problem.',
  'Clear steps, worked first time.',
  'Helpful, saved me a support ticket.',
  'Great answer.',
] as const;

export const DOWNVOTE_COMMENTS = [
  'The answer was wrong.',
  'It ignored my question about the refund.',
  'Way too slow.',
  'It gave me an error instead of an answer.',
  'Not helpful, I had to contact support anyway.',
  'Made up an order status that does not exist.',
  'It repeated the same thing twice.',
] as const;

export const ERROR_COMMENTS = [
  'It just failed with an error.',
  'Got "something went wrong" again.',
  'Broken today.',
] as const;

export const SYSTEM_PROMPT =
  "You are Acme Cloud's support assistant. Answer concisely, cite knowledge-base articles, and use tools for account-specific data.";
