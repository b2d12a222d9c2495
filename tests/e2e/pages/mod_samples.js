// Messages for the moderation-assist fixtures and benchmark: what a district officers' group,
// an office page's comments and an X reply thread hold. Each sample says whether an admin should
// act on it (the categories moderation assist must mark) or not ([]: greetings, notices, a
// citizen's political opinion or criticism of a policy, which the O.M. welcomes as feedback).
window.__modSamples = [
  ['Good morning everyone, the review meeting is at 10 in the DC office.', []],
  ['Those Biharis are filthy rats, kick every one of them out of our city', ['hate_speech']],
  ['In my opinion the new tax policy is unfair to farmers and the government should rethink it.', []],
  ['Her CNIC is 35202-1234567-1 and she lives at House 5, Street 9, call 0300-1234567', ['privacy']],
  ['Vote for PTI, the only honest party! Down with the rest.', []],
  ['Thank you sir, the drainage in our street was cleared this morning.', []],
  ['Please share the updated duty roster for Friday.', []],
  ['Congratulations to the team on the polio campaign results!', []],
];
// A history of n messages from the samples (the benchmark's 500), each a little different.
window.__modHistory = (n) => Array.from({ length: n }, (_, i) => {
  const [text, expect] = window.__modSamples[i % window.__modSamples.length];
  return [i < window.__modSamples.length ? text : `${text} (${i})`, expect];
});
