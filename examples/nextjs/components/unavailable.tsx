export function Unavailable() {
  return (
    <section>
      <h1>Payments are unavailable</h1>
      <p role="alert">
        The shop cannot take payments right now. Try again in a few minutes.
      </p>
    </section>
  );
}
